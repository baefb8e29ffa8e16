/**
 * The OpenAPI description of the model lifecycle endpoints (`/models`,
 * `/models/aliases/*`, `/feedback`): what the UI's models panel and
 * feedback buttons build on. Merged into `/openapi.json` by `openapi.ts`.
 */
import { ALIASES } from "../../store/registry/mod.ts";
import { MODEL_SETTINGS } from "../../detector/mod.ts";
import {
  confusionProperties,
  json,
  problem,
  READINGS_BODY_PROBLEMS,
  ref,
} from "../_openapi_parts.ts";

const VERDICT = { enum: ["drift", "no_drift", "insufficient_data", "no_reference"] };
const FULL = { type: "string", pattern: "^sha256:[0-9a-f]{64}$" };
const SHORT = { type: "string", pattern: "^sha256:[0-9a-f]{12}$" };

/** Paths of the lifecycle endpoints. */
export function lifecyclePaths(): Record<string, unknown> {
  const admin = [{ adminToken: [] }];
  const aliasPut = (alias: string) => ({
    put: {
      summary: alias === "champion"
        ? "Promote (or roll back to) a version: it serves on every replica within MODEL_POLL_S"
        : "Score a version in the shadow of the champion (SHADOW_RATE of requests)",
      operationId: `set${alias[0].toUpperCase()}${alias.slice(1)}`,
      security: admin,
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: ref("AliasRequest"),
            example: {
              version: "sha256:0123456789ab",
              expected_version: "sha256:ba9876543210",
              reason: "precision 0.93 on last week's labels",
            },
          },
        },
      },
      responses: {
        "200": json("The alias now points at the version", ref("AliasChange")),
        ...problem(
          "malformed-json",
          "body-timeout",
          "payload-too-large",
          "unsupported-media-type",
          "validation",
          "unauthorized",
          "forbidden",
          "not-found",
          "conflict",
          "unusable-version",
          "store-unavailable",
        ),
      },
    },
  });
  const canaryPut = {
    put: {
      summary: "Route a share of /predict requests to a version (sticky per meter_id), watched " +
        "by the canary guard: it removes the alias when the canary's error rate, p99 latency " +
        "or anomaly rate leaves the CANARY_MAX_* band around the champion's over CANARY_WINDOW_S",
      operationId: "setCanary",
      security: admin,
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: ref("CanaryRequest"),
            example: { version: "sha256:0123456789ab", percent: 10, reason: "retrained on March" },
          },
        },
      },
      responses: {
        "200": json(
          "The canary alias now points at the version with this share",
          ref("AliasChange"),
        ),
        ...problem(
          "malformed-json",
          "body-timeout",
          "payload-too-large",
          "unsupported-media-type",
          "validation",
          "unauthorized",
          "forbidden",
          "not-found",
          "conflict",
          "unusable-version",
          "store-unavailable",
        ),
      },
    },
  };
  const removal = (alias: "challenger" | "canary") => ({
    summary: alias === "challenger"
      ? "End the shadow experiment: remove the challenger alias (the version stays)"
      : "End the canary: the champion answers every request again (the version stays)",
    operationId: alias === "challenger" ? "removeChallenger" : "removeCanary",
    security: admin,
    responses: {
      "200": json("Removed (or was not set)", {
        type: "object",
        required: ["alias", "removed", "converges_within_s"],
        properties: {
          alias: { const: alias },
          removed: { oneOf: [FULL, { type: "null" }] },
          converges_within_s: { type: "number" },
        },
      }),
      ...problem("unauthorized", "forbidden", "store-unavailable"),
    },
  });
  const history = (alias: string) => ({
    get: {
      summary: `Every accepted change of the ${alias} alias, newest first: who (the admin ` +
        "token's name), when, why, from which version to which (the audit trail)",
      operationId: `${alias}History`,
      responses: { "200": json("The alias history", ref("AliasHistory")) },
    },
  });
  return {
    "/models": {
      get: {
        summary: "Registered model versions, the champion, challenger and canary aliases, and " +
          "what this replica serves",
        operationId: "listModels",
        responses: { "200": json("The registry", ref("ModelList")) },
      },
    },
    "/models/drift/report": {
      get: {
        summary: "This worker's drift report: verdicts, KS, PSI and MMD, and per-feature " +
          "histograms of the training sample against the window (self-contained HTML)",
        operationId: "driftReport",
        responses: {
          "200": {
            description: "The report page",
            content: { "text/html": { schema: { type: "string" } } },
          },
          ...problem("not-ready"),
        },
      },
    },
    "/models/aliases/champion": aliasPut("champion"),
    "/models/aliases/champion/history": history("champion"),
    "/models/aliases/challenger/history": history("challenger"),
    "/models/aliases/challenger": { ...aliasPut("challenger"), delete: removal("challenger") },
    "/models/aliases/canary": { ...canaryPut, delete: removal("canary") },
    "/models/aliases/canary/history": history("canary"),
    "/feedback": {
      post: {
        summary: "Label served verdicts by prediction_id (alarms confirmed or dismissed): " +
          "stored in the label store (LABELS_DB) once per id and label, counted per model " +
          "version in feedback_total; or (older clients) labeled readings, counted, not stored. " +
          "At most FEEDBACK_MAX_LABELS per request and FEEDBACK_RATE per second per client; " +
          "Authorization: Bearer <FEEDBACK_TOKEN> when that is set",
        operationId: "feedback",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { oneOf: [ref("LabelsRequest"), ref("FeedbackRequest")] },
              example: {
                labels: [{ prediction_id: "(a prediction_id from /predict)", anomaly: false }],
              },
            },
          },
        },
        responses: {
          "200": json("What happened to the labels", {
            oneOf: [ref("LabelsResponse"), ref("FeedbackResponse")],
          }),
          ...problem(
            ...READINGS_BODY_PROBLEMS,
            "unauthorized",
            "rate-limited",
            "label-store-unavailable",
          ),
        },
      },
    },
  };
}

/** Schemas of the lifecycle endpoints. */
export function lifecycleSchemas(options: { maxBatch: number }): Record<string, unknown> {
  const alias = {
    type: "object",
    required: ["alias", "version", "model_version", "updated_at", "updated_by", "previous"],
    properties: {
      alias: { enum: [...ALIASES] },
      version: FULL,
      model_version: { ...SHORT, description: "As in /predict responses" },
      updated_at: { type: "string", format: "date-time" },
      updated_by: {
        type: "string",
        description: "Who: the admin token's name (ADMIN_TOKENS), or the tool",
        examples: ["alice", "deno task train", "startup (pod-a)"],
      },
      seq: { type: "integer", description: "This change's position in the alias history" },
      reason: { type: ["string", "null"] },
      previous: {
        oneOf: [FULL, { type: "null" }],
        description: "The version before: PUT it back to roll back in one step",
      },
      percent: {
        type: "number",
        exclusiveMinimum: 0,
        maximum: 100,
        description: "The canary's share of /predict requests (canary alias only)",
      },
    },
  };
  const health = {
    oneOf: [{ type: "null" }, {
      type: "object",
      required: ["model_version", "requests", "error_rate", "p99_seconds", "anomaly_rate"],
      properties: {
        model_version: SHORT,
        requests: { type: "number" },
        error_rate: { type: ["number", "null"] },
        p99_seconds: { type: ["number", "null"] },
        anomaly_rate: { type: ["number", "null"] },
      },
    }],
  };
  return {
    Alias: alias,
    AliasRequest: {
      type: "object",
      required: ["version"],
      additionalProperties: false,
      properties: {
        version: {
          type: "string",
          pattern: "^(sha256:)?[0-9a-f]{12,64}$",
          description: "A registered version: full, or a unique prefix of at least 12 hex digits",
        },
        expected_version: {
          oneOf: [{ type: "string", pattern: "^(sha256:)?[0-9a-f]{12,64}$" }, { type: "null" }],
          description: "Compare-and-set: the version (or prefix) the alias must name now, or " +
            "null for unset; otherwise 409 with current_version, and nothing changes",
        },
        reason: {
          type: ["string", "null"],
          maxLength: 500,
          description: "Why, kept in the alias history",
        },
      },
    },
    CanaryRequest: {
      type: "object",
      required: ["version", "percent"],
      additionalProperties: false,
      properties: {
        version: {
          type: "string",
          pattern: "^(sha256:)?[0-9a-f]{12,64}$",
          description: "A registered version with the champion's features: full, or a unique " +
            "prefix of at least 12 hex digits",
        },
        percent: {
          type: "number",
          exclusiveMinimum: 0,
          maximum: 100,
          description: "Share of /predict requests the canary answers; a request's first " +
            "reading's meter_id decides (the same meter always gets the same version), a " +
            "request without one is drawn at random",
        },
        expected_version: {
          oneOf: [{ type: "string", pattern: "^(sha256:)?[0-9a-f]{12,64}$" }, { type: "null" }],
          description: "Compare-and-set: the version the canary alias must name now, or null " +
            "for unset; otherwise 409 and nothing changes",
        },
        reason: { type: ["string", "null"], maxLength: 500, description: "Kept in the history" },
      },
    },
    Canary: {
      type: "object",
      description: "The canary alias, what the replica that answered routes to it, and its " +
        "guard's latest look at the window (champion against canary)",
      required: ["alias", "serving", "percent", "rollbacks", "health", "last_rollback", "guard"],
      properties: {
        alias: { oneOf: [ref("Alias"), { type: "null" }] },
        serving: {
          oneOf: [SHORT, { type: "null" }],
          description: "The version this replica routes the share to; null while the alias's " +
            "version cannot be loaded (reason says why; the champion answers the share)",
        },
        percent: { type: "number", description: "The share routed here (canary_percent)" },
        reason: { type: ["string", "null"] },
        rollbacks: { type: "integer", description: "Rollbacks by this replica's guard" },
        health: {
          oneOf: [{ type: "null" }, {
            type: "object",
            properties: {
              window_s: { type: "number" },
              covered_s: { type: "number" },
              champion: health,
              canary: health,
              judged: { type: "boolean", description: "CANARY_MIN_REQUESTS reached" },
              breach: { type: ["string", "null"] },
            },
          }],
        },
        last_rollback: {
          description: "The guard's latest rollback in the canary history (any replica), or null",
          oneOf: [{ type: "null" }, {
            type: "object",
            properties: {
              at: { type: "string", format: "date-time" },
              model_version: { oneOf: [SHORT, { type: "null" }] },
              reason: { type: ["string", "null"] },
            },
          }],
        },
        guard: {
          type: "object",
          description: "CANARY_WINDOW_S, CANARY_MAX_ERROR_RATE, CANARY_MAX_P99_RATIO, " +
            "CANARY_MAX_ANOMALY_RATIO and CANARY_MIN_REQUESTS",
          properties: {
            window_s: { type: "number" },
            max_error_rate: { type: "number" },
            max_p99_ratio: { type: "number" },
            max_anomaly_ratio: { type: "number" },
            min_requests: { type: "integer" },
          },
        },
      },
    },
    AliasHistory: {
      type: "object",
      required: ["alias", "entries"],
      properties: {
        alias: { enum: [...ALIASES] },
        entries: {
          type: "array",
          description: "Newest first",
          items: {
            type: "object",
            required: ["seq", "version", "model_version", "previous", "at", "actor", "reason"],
            properties: {
              seq: { type: "integer" },
              version: { oneOf: [FULL, { type: "null" }], description: "null: alias removed" },
              model_version: { oneOf: [SHORT, { type: "null" }] },
              previous: { oneOf: [FULL, { type: "null" }] },
              at: { type: "string", format: "date-time" },
              actor: { type: "string" },
              reason: { type: ["string", "null"] },
              percent: { type: "number", description: "The canary's share after the change" },
            },
          },
        },
      },
    },
    AliasChange: {
      ...alias,
      required: [...alias.required, "converges_within_s"],
      properties: {
        ...alias.properties,
        converges_within_s: {
          type: "number",
          description: "MODEL_POLL_S: every replica serves the change within this many seconds " +
            "(plus the time to load the version); the replica that answered already does",
        },
        applied_here: {
          type: ["boolean", "null"],
          description: "Whether the replica that answered serves the version now (null when it " +
            "does not follow the registry)",
        },
      },
    },
    ModelVersion: {
      type: "object",
      required: [
        "version",
        "model_version",
        "created_at",
        "source",
        "aliases",
        "features",
        "config",
      ],
      properties: {
        version: FULL,
        model_version: SHORT,
        created_at: { type: "string", format: "date-time" },
        source: { type: "string" },
        detector: {
          enum: ["isolation_forest", "temporal_window"],
          description: "Which detector the version is; either can be champion or challenger",
        },
        aliases: { type: "array", items: { enum: [...ALIASES] } },
        features: { type: "array", items: { type: "string" } },
        config: {
          type: "object",
          description: "The forest's settings below, or a temporal model's window and " +
            "contamination",
          // One property per model setting, typed as the setting's range is.
          properties: Object.fromEntries(
            MODEL_SETTINGS.map((s) => [s.key, { type: s.integer ? "integer" : "number" }]),
          ),
        },
        threshold: { type: "number" },
        data: { description: "What the model was trained on" },
        evaluation: {
          description: "Precision, recall, F1, ROC AUC and confusion on held-out labeled data, " +
            "or null",
        },
        drift_reference: {
          type: "boolean",
          description:
            "Whether the artifact carries the training reference drift is measured against",
        },
        reference_sample: {
          type: "boolean",
          description: "Whether the artifact carries the training sample the drift tests " +
            "(KS, MMD) compare with; without it drift is PSI only",
        },
      },
    },
    ModelList: {
      type: "object",
      required: ["aliases", "serving", "retention", "versions", "monitoring"],
      properties: {
        aliases: {
          type: "object",
          properties: {
            champion: { oneOf: [ref("Alias"), { type: "null" }] },
            challenger: { oneOf: [ref("Alias"), { type: "null" }] },
            canary: { oneOf: [ref("Alias"), { type: "null" }] },
          },
        },
        canary: ref("Canary"),
        serving: {
          type: "object",
          description: "What the worker that answered serves now (converges to the aliases)",
          properties: {
            served_by: { type: "string" },
            champion: { oneOf: [SHORT, { type: "null" }] },
            intended: {
              oneOf: [SHORT, { type: "null" }],
              description: "The version the champion alias names",
            },
            matches_alias: {
              type: ["boolean", "null"],
              description: "champion equals intended (model_serving_matches_alias)",
            },
            reason: {
              type: ["string", "null"],
              description: "Why they differ (a fallback to the alias's previous version, say)",
            },
            challenger: { oneOf: [SHORT, { type: "null" }] },
            shadowing: {
              type: "boolean",
              description: "A challenger other than the champion scores in the shadow",
            },
            shadow_rate: { type: "number" },
            poll_interval_s: { type: "number" },
          },
        },
        experiment: {
          description: "The pair compared in the shadow now, or null; monitoring.shadow counts " +
            "this pair only",
          oneOf: [{ type: "null" }, {
            type: "object",
            required: ["champion", "challenger", "started_at", "counted_since"],
            properties: {
              champion: SHORT,
              challenger: SHORT,
              started_at: {
                type: "string",
                format: "date-time",
                description: "The later of the two aliases' last moves",
              },
              counted_since: {
                type: "string",
                format: "date-time",
                description: "When the worker that answered started comparing this pair",
              },
            },
          }],
        },
        retention: { type: "integer", description: "MODEL_RETENTION" },
        drift_report: { type: "string", description: "Path of this replica's drift report" },
        versions: { type: "array", items: ref("ModelVersion"), description: "Newest first" },
        monitoring: ref("Monitoring"),
      },
    },
    DriftSummary: {
      type: "object",
      description: "Drift tests of the window (readings of the last max_age_s, at most " +
        "capacity) against the champion's training sample: KS and PSI per feature, MMD over " +
        "rows; drift when p < per_test_alpha (Bonferroni) and, per feature, the KS statistic " +
        "is at least min_ks_statistic. Several workers: the most alarming worker's figures",
      required: [
        "verdict",
        "window",
        "reference_rows",
        "reference_match",
        "thresholds",
        "features",
        "multivariate",
      ],
      properties: {
        verdict: VERDICT,
        window: {
          type: "object",
          properties: {
            readings: { type: "number" },
            min_readings: { type: "number" },
            capacity: { type: "number" },
            max_age_s: { type: "number" },
          },
        },
        reference_rows: {
          type: ["number", "null"],
          description: "Training rows compared (0: none from the window's hours); null: no sample",
        },
        reference_match: {
          enum: ["all_rows", "time_of_day"],
          description: "time_of_day: the training rows within 45 minutes of the window " +
            "readings' times of day (both carry times); all_rows: the whole sample",
        },
        thresholds: {
          type: "object",
          properties: {
            alpha: { type: "number" },
            per_test_alpha: { type: "number" },
            correction: { enum: ["bonferroni"] },
            min_ks_statistic: { type: "number" },
          },
        },
        features: {
          type: "object",
          additionalProperties: {
            type: "object",
            required: ["ks_statistic", "ks_p_value", "psi", "verdict"],
            properties: {
              ks_statistic: { type: ["number", "null"] },
              ks_p_value: { type: ["number", "null"] },
              psi: { type: ["number", "null"] },
              verdict: VERDICT,
            },
          },
        },
        multivariate: {
          type: "object",
          properties: {
            test: { enum: ["mmd"] },
            statistic: { type: ["number", "null"] },
            p_value: { type: ["number", "null"] },
            verdict: VERDICT,
          },
        },
      },
    },
    Monitoring: {
      type: "object",
      description:
        "This replica's lifecycle figures, summed over its workers and cumulative since " +
        "it started (difference two polls for rates); the same numbers /metrics exports",
      required: ["champion", "shadow", "drift", "feedback"],
      properties: {
        champion: {
          type: "object",
          properties: {
            readings: { type: "number" },
            anomalies: { type: "number" },
            anomaly_rate: { type: ["number", "null"] },
          },
        },
        shadow: {
          type: "object",
          properties: {
            agree: { type: "number" },
            disagree: { type: "number" },
            agreement: { type: ["number", "null"] },
            anomalies: { type: "number", description: "Shadowed readings the challenger flags" },
            anomaly_rate: { type: ["number", "null"] },
            dropped: { type: "number", description: "Readings not shadowed (queue full)" },
          },
        },
        drift: ref("DriftSummary"),
        label_store: {
          type: "object",
          description: "Whether the label store answers (state ok, damaged, full, read-only, " +
            "busy or unavailable)",
          properties: { state: { type: "string" }, detail: { type: ["string", "null"] } },
        },
        feedback: {
          type: "object",
          description: "Live precision per model_version: every stored label against the " +
            "verdict of the version that served it and of the models loaded when it was labeled",
          additionalProperties: {
            type: "object",
            properties: confusionProperties("number"),
          },
        },
      },
    },
    LabelsRequest: {
      type: "object",
      required: ["labels"],
      properties: {
        labels: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            required: ["prediction_id", "anomaly"],
            properties: {
              prediction_id: { type: "string", description: "From a /predict response" },
              anomaly: {
                type: "boolean",
                description: "The truth: true when the reading was an anomaly (alarm confirmed)",
              },
            },
          },
        },
      },
    },
    LabelsResponse: {
      type: "object",
      required: ["total", "stored", "changed", "unchanged", "labeled_anomalies", "served_by"],
      properties: {
        total: { type: "integer" },
        stored: { type: "integer", description: "Labels new to the store" },
        changed: { type: "integer", description: "Labels that replaced a different one" },
        unchanged: { type: "integer", description: "Labels the store had (a repeated post)" },
        labeled_anomalies: { type: "integer" },
        served_by: { type: "string" },
      },
    },
    FeedbackRequest: {
      type: "object",
      required: ["readings"],
      properties: {
        readings: {
          type: "array",
          minItems: 1,
          maxItems: options.maxBatch,
          items: {
            allOf: [ref("Reading"), {
              type: "object",
              required: ["anomaly"],
              properties: {
                anomaly: {
                  type: "boolean",
                  description: "The truth: true when the reading was an anomaly (alarm confirmed)",
                },
              },
            }],
          },
        },
      },
    },
    FeedbackResponse: {
      type: "object",
      required: ["total", "labeled_anomalies", "models", "served_by"],
      properties: {
        total: { type: "integer" },
        labeled_anomalies: { type: "integer" },
        models: {
          type: "array",
          description: "The champion, and the challenger when one other than the champion is set",
          items: {
            type: "object",
            required: ["alias", "model_version", "tp", "fp", "fn", "tn", "precision", "recall"],
            properties: {
              alias: { enum: [...ALIASES] },
              model_version: SHORT,
              ...confusionProperties("integer"),
            },
          },
        },
        served_by: { type: "string" },
      },
    },
  };
}

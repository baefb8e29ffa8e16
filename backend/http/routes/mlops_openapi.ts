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
            example: { version: "sha256:0123456789ab" },
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
        ),
      },
    },
  });
  return {
    "/models": {
      get: {
        summary: "Registered model versions, the champion and challenger aliases, and what this " +
          "replica serves",
        operationId: "listModels",
        responses: { "200": json("The registry", ref("ModelList")) },
      },
    },
    "/models/aliases/champion": aliasPut("champion"),
    "/models/aliases/challenger": {
      ...aliasPut("challenger"),
      delete: {
        summary: "End the shadow experiment: remove the challenger alias (the version stays)",
        operationId: "removeChallenger",
        security: admin,
        responses: {
          "200": json("Removed (or was not set)", {
            type: "object",
            required: ["alias", "removed", "converges_within_s"],
            properties: {
              alias: { const: "challenger" },
              removed: { oneOf: [FULL, { type: "null" }] },
              converges_within_s: { type: "number" },
            },
          }),
          ...problem("unauthorized", "forbidden"),
        },
      },
    },
    "/feedback": {
      post: {
        summary: "Labeled readings (alarms confirmed or dismissed): counted per model version " +
          "as tp/fp/fn/tn in feedback_total; nothing is stored",
        operationId: "feedback",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: ref("FeedbackRequest"),
              example: {
                readings: [{ voltage: 275, current: 28, frequency: 50.7, anomaly: true }, {
                  voltage: 251,
                  current: 12,
                  frequency: 50,
                  anomaly: false,
                }],
              },
            },
          },
        },
        responses: {
          "200": json("Outcomes of this batch per model", ref("FeedbackResponse")),
          ...problem(...READINGS_BODY_PROBLEMS),
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
      updated_by: { type: "string", examples: ["admin api (pod-a:1)", "deno task train"] },
      previous: {
        oneOf: [FULL, { type: "null" }],
        description: "The version before: PUT it back to roll back in one step",
      },
    },
  };
  return {
    Alias: alias,
    AliasRequest: {
      type: "object",
      required: ["version"],
      properties: {
        version: {
          type: "string",
          pattern: "^(sha256:)?[0-9a-f]{12,64}$",
          description: "A registered version: full, or a unique prefix of at least 12 hex digits",
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
        aliases: { type: "array", items: { enum: [...ALIASES] } },
        features: { type: "array", items: { type: "string" } },
        config: {
          type: "object",
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
          },
        },
        serving: {
          type: "object",
          description: "What the worker that answered serves now (converges to the aliases)",
          properties: {
            served_by: { type: "string" },
            champion: { oneOf: [SHORT, { type: "null" }] },
            challenger: { oneOf: [SHORT, { type: "null" }] },
            shadowing: {
              type: "boolean",
              description: "A challenger other than the champion scores in the shadow",
            },
            shadow_rate: { type: "number" },
            poll_interval_s: { type: "number" },
          },
        },
        retention: { type: "integer", description: "MODEL_RETENTION" },
        versions: { type: "array", items: ref("ModelVersion"), description: "Newest first" },
        monitoring: ref("Monitoring"),
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
        drift: {
          type: "object",
          description: "PSI per feature of the drift window; a feature is absent while the " +
            "window is too small or the champion has no reference",
          additionalProperties: { type: "number" },
        },
        feedback: {
          type: "object",
          description: "Feedback outcomes per model_version",
          additionalProperties: {
            type: "object",
            properties: confusionProperties("number"),
          },
        },
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

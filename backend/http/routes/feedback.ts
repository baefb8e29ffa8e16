/**
 * `POST /feedback`: an operator's labels (an alarm confirmed or dismissed).
 *
 * - `{"labels": [{"prediction_id", "anomaly"}]}` labels verdicts `/predict`
 *   served. Each id says which version served which reading and what it
 *   said (`prediction_id.ts`), so any worker or replica can take it. Labels
 *   go to the label store (`LABELS_DB`): idempotent per id and label, kept
 *   across restarts, with the verdicts of the champion and challenger of the
 *   moment, which give live precision per version in `GET /models`.
 * - `{"readings": [... with "anomaly"]}` (older clients): the champion and
 *   the challenger score the readings and the outcomes are counted; nothing
 *   is stored (there is no id to make a repeat count once).
 *
 * Both forms count outcomes in `feedback_total{model_version,outcome}` (a
 * repeated label is not counted again), take labels from the client's
 * budget (`FEEDBACK_RATE`, `FEEDBACK_MAX_LABELS`; 429 past it) and, when
 * `FEEDBACK_TOKEN` is set, need `Authorization: Bearer <FEEDBACK_TOKEN>`.
 */
import { Hono } from "hono";
import type { Detector, Reading } from "../../detector/mod.ts";
import { outcome, OUTCOMES, precision, recall, tally } from "../../mlops/feedback.ts";
import { type IdLabel, validateFeedbackBody, validateLabels } from "../../mlops/feedback_schema.ts";
import type { FeedbackBudget } from "../../mlops/feedback_budget.ts";
import type { LifecycleMetrics } from "../../metrics/mlops_metrics.ts";
import type { ModelLifecycle } from "../../mlops/model_lifecycle.ts";
import { anomalyFlags } from "../../mlops/shadow.ts";
import { checkBearer } from "../../mlops/admin_auth.ts";
import { InflightLimit } from "../middleware/inflight_limit.ts";
import type { BodyAdmission } from "../middleware/body_budget.ts";
import { bodyRoute } from "../middleware/body_route.ts";
import { ValidationError } from "../../predict/predict_schema.ts";
import { idVersion } from "../../predict/prediction_id.ts";
import { type FieldError, HttpError } from "../../../lib/problem.ts";
import { requireDetector } from "../../predict/score.ts";
import type { ServiceState } from "../../predict/state.ts";
import {
  type LabelInput,
  type LabelStore,
  LabelStoreUnavailableError,
  type Verdict,
} from "../../store/label_store.ts";

/** Features of a registered version that serves no more (the registry's metadata). */
export type VersionFeatures = (idVersion: string) => Promise<readonly string[] | null>;

/** What the feedback route needs. */
export interface FeedbackDeps {
  state: ServiceState;
  lifecycle: ModelLifecycle;
  metrics: LifecycleMetrics;
  labels: LabelStore;
  budget: FeedbackBudget;
  /** `FEEDBACK_TOKEN`, or null when feedback is open. */
  token: string | null;
  /** Most labels in one request (`FEEDBACK_MAX_LABELS`). */
  maxLabels: number;
  /** Features of a version not loaded here, or null when no registered version has that id. */
  versionFeatures: VersionFeatures;
  servedBy: string;
  maxBatch: number;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  maxInflight: number;
  /** Per-worker body admission (`MAX_BODY_BYTES_IN_FLIGHT`), shared with `/predict`. */
  admitBody: BodyAdmission;
  /** The worker's `MAX_INFLIGHT` limit, shared with `/predict`; default: one of its own. */
  limitInflight?: InflightLimit;
  bodyBytesInFlightPerWorker: number;
}

/** The client a budget belongs to: the peer address (a proxy in front is one client). */
function clientOf(env: unknown): string {
  const addr = (env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr;
  return addr?.hostname ?? "local";
}

/** Create the feedback sub-app. */
export function feedbackRoutes(deps: FeedbackDeps): Hono {
  const { state, lifecycle, metrics } = deps;
  const app = new Hono();

  const spend = (client: string, n: number) => {
    const wait = deps.budget.take(client, n);
    if (wait > 0) {
      throw new HttpError(
        "rate-limited",
        `This client posted more labels than FEEDBACK_RATE allows; ${n} more fit in ${wait} s`,
        { headers: { "retry-after": String(wait) } },
      );
    }
  };

  /** The loaded models (champion, challenger), by the version their ids carry. */
  const loaded = (): Map<string, Detector> => {
    const out = new Map<string, Detector>();
    for (const d of [state.detector, lifecycle.challenger]) {
      if (d) out.set(idVersion(d.info.version), d);
    }
    return out;
  };

  async function storeLabels(labels: IdLabel[], client: string) {
    const models = loaded();
    const errors: FieldError[] = [];
    const inputs: LabelInput[] = [];
    for (let i = 0; i < labels.length; i++) {
      const { served } = labels[i];
      const model = models.get(served.modelVersion);
      const features = model?.info.features ?? await deps.versionFeatures(served.modelVersion);
      const at = `labels[${i}].prediction_id`;
      if (!features) {
        errors.push({
          path: at,
          message: `${at} names model version ${served.modelVersion}, which is neither served ` +
            "nor registered here",
        });
      } else if (features.length !== served.values.length) {
        errors.push({
          path: at,
          message: `${at} carries ${served.values.length} values; model version ` +
            `${served.modelVersion} has ${features.length} features`,
        });
      } else if (served.servedAt > Date.now() + 300_000) {
        errors.push({ path: at, message: `${at} says it was served in the future` });
      } else {
        inputs.push({
          predictionId: labels[i].predictionId,
          anomaly: labels[i].anomaly,
          served: { modelVersion: served.modelVersion, predicted: served.predicted },
          servedAt: served.servedAt,
          features,
          values: served.values,
        });
      }
    }
    if (errors.length > 0) throw new ValidationError(errors.slice(0, 20));
    spend(client, inputs.length);
    // The loaded models that did not serve a reading score it now: live precision per version.
    const others = new Map<LabelInput, Verdict[]>();
    for (const [version, model] of models) {
      // A window model's verdict needs the reading's history, which a label does not carry:
      // scored now it would depend on whichever other labels share the request.
      if (model.info.name !== "isolation_forest") continue;
      const rows = inputs.filter((l) =>
        l.served.modelVersion !== version && sameFeatures(l.features, model.info.features)
      );
      if (rows.length === 0) continue;
      const flags = anomalyFlags(model, rows.map((l) => readingOf(l.features, l.values)));
      rows.forEach((l, r) => {
        const list = others.get(l) ?? [];
        list.push({ modelVersion: version, predicted: flags[r] });
        others.set(l, list);
      });
    }
    for (const [l, list] of others) l.others = list;
    let result;
    try {
      result = deps.labels.put(inputs, client);
    } catch (err) {
      if (!(err instanceof LabelStoreUnavailableError)) throw err;
      // Nothing was stored: the labels do not count against the client's budget.
      deps.budget.refund(client, inputs.length);
      throw new HttpError("label-store-unavailable", err.message, {
        headers: { "retry-after": String(err.retryAfterS) },
        extra: { state: err.state },
      });
    }
    inputs.forEach((l, i) => {
      if (result.outcomes[i] !== "stored") return;
      for (const v of [l.served, ...(l.others ?? [])]) {
        metrics.feedback.inc({
          model_version: v.modelVersion,
          outcome: outcome(v.predicted, l.anomaly),
        });
      }
    });
    return {
      total: inputs.length,
      stored: result.stored,
      changed: result.changed,
      unchanged: result.unchanged,
      labeled_anomalies: inputs.filter((l) => l.anomaly).length,
      served_by: deps.servedBy,
    };
  }

  app.post(
    "/feedback",
    async function feedbackToken(c, next) {
      const check = checkBearer(c.req.header("authorization"), deps.token);
      if (check === "missing" || check === "wrong") {
        throw new HttpError(
          "unauthorized",
          check === "missing"
            ? "Send the feedback token as Authorization: Bearer <FEEDBACK_TOKEN>"
            : "The feedback token is wrong",
          { headers: { "www-authenticate": 'Bearer realm="anomaly-feedback"' } },
        );
      }
      await next();
    },
    bodyRoute({
      inflight: deps.limitInflight ?? new InflightLimit(deps.maxInflight),
      bodies: deps.admitBody,
      read: {
        maxBytes: deps.maxBodyBytes,
        timeoutMs: deps.bodyTimeoutMs,
        budgetBytes: deps.bodyBytesInFlightPerWorker,
      },
    }, async (c, input) => {
      const client = clientOf(c.env);
      const hasLabels = typeof input === "object" && input !== null && "labels" in input;
      const hasReadings = typeof input === "object" && input !== null && "readings" in input;
      if (hasLabels && hasReadings) {
        throw new ValidationError([{
          path: "labels",
          message: "Send labels or readings, not both",
        }]);
      }
      if (hasLabels) {
        const labels = validateLabels(input, { maxLabels: deps.maxLabels });
        return c.json(await storeLabels(labels, client));
      }
      requireDetector(state);
      let body;
      try {
        body = validateFeedbackBody(input, { maxBatch: Math.min(deps.maxBatch, deps.maxLabels) });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        if (!hasReadings && err.errors[0]?.path === "readings") {
          err.errors[0] = {
            path: "labels",
            message: 'Send {"labels": [{"prediction_id", "anomaly"}]} (ids from /predict) or ' +
              '{"readings": [...]} with an anomaly label on each',
          };
          throw new ValidationError(err.errors);
        }
        throw err;
      }
      spend(client, body.readings.length);
      const champion = requireDetector(state);
      const models: [string, Detector][] = [["champion", champion]];
      const challenger = lifecycle.challenger;
      if (challenger && challenger.info.version !== champion.info.version) {
        models.push(["challenger", challenger]);
      }
      const results = models.map(([alias, detector]) => {
        const predicted = detector.predict(body.readings).map((p) => p.anomaly);
        const t = tally(predicted, body.labels);
        const model_version = detector.info.version;
        for (const outcome of OUTCOMES) {
          if (t[outcome] > 0) metrics.feedback.inc({ model_version, outcome }, t[outcome]);
        }
        return { alias, model_version, ...t, precision: precision(t), recall: recall(t) };
      });
      return c.json({
        total: body.readings.length,
        labeled_anomalies: body.labels.filter(Boolean).length,
        models: results,
        served_by: deps.servedBy,
      });
    }),
  );
  return app;
}

function sameFeatures(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}

function readingOf(features: readonly string[], values: readonly number[]): Reading {
  const reading: Record<string, number> = {};
  features.forEach((f, i) => (reading[f] = values[i]));
  return reading as unknown as Reading;
}

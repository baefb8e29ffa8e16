/**
 * `POST /feedback`: readings with the label an operator gave them (an alarm
 * confirmed or dismissed). The champion and the challenger score them and
 * each prediction's outcome is counted in `feedback_total{model_version,
 * outcome}`; nothing is stored, so any replica can take any feedback.
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { Detector } from "../../detector/mod.ts";
import { OUTCOMES, precision, recall, tally } from "../../mlops/feedback.ts";
import { validateFeedbackBody } from "../../mlops/feedback_schema.ts";
import type { LifecycleMetrics } from "../../metrics/mlops_metrics.ts";
import type { ModelLifecycle } from "../../mlops/model_lifecycle.ts";
import { inflightLimit } from "../middleware/inflight_limit.ts";
import { jsonBody, type JsonBodyVariables } from "../middleware/json_body.ts";
import { ValidationError } from "../../predict/predict_schema.ts";
import { HttpError } from "../../../lib/problem.ts";
import { requireDetector } from "../../predict/score.ts";
import type { ServiceState } from "../../predict/state.ts";

/** What the feedback route needs. */
export interface FeedbackDeps {
  state: ServiceState;
  lifecycle: ModelLifecycle;
  metrics: LifecycleMetrics;
  servedBy: string;
  maxBatch: number;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  maxInflight: number;
  /** Per-worker body admission (`MAX_BODY_BYTES_IN_FLIGHT`), shared with `/predict`. */
  admitBody: MiddlewareHandler<{ Variables: JsonBodyVariables }>;
  bodyBytesInFlightPerWorker: number;
}

/** Create the feedback sub-app. */
export function feedbackRoutes(deps: FeedbackDeps): Hono<{ Variables: JsonBodyVariables }> {
  const { state, lifecycle, metrics } = deps;
  const app = new Hono<{ Variables: JsonBodyVariables }>();
  app.post(
    "/feedback",
    inflightLimit({ max: deps.maxInflight }),
    async (_c, next) => {
      requireDetector(state);
      await next();
    },
    deps.admitBody,
    jsonBody({
      maxBytes: deps.maxBodyBytes,
      timeoutMs: deps.bodyTimeoutMs,
      budgetBytes: deps.bodyBytesInFlightPerWorker,
    }),
    (c) => {
      let body;
      try {
        body = validateFeedbackBody(c.get("body"), { maxBatch: deps.maxBatch });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        throw new HttpError("validation", err.message, {
          errors: err.errors,
          ...(err.limit !== undefined ? { extra: { limit: err.limit } } : {}),
        });
      }
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
          metrics.feedback.inc({ model_version, outcome }, t[outcome]);
        }
        return { alias, model_version, ...t, precision: precision(t), recall: recall(t) };
      });
      return c.json({
        total: body.readings.length,
        labeled_anomalies: body.labels.filter(Boolean).length,
        models: results,
        served_by: deps.servedBy,
      });
    },
  );
  return app;
}

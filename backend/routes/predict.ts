/** `POST /predict`: score a batch of readings. */
import { Hono } from "hono";
import type { Config } from "../config.ts";
import type { Metrics } from "../metrics.ts";
import { inflightLimit } from "../middleware/inflight_limit.ts";
import { jsonBody, type JsonBodyVariables } from "../middleware/json_body.ts";
import { validatePredictBody, ValidationError } from "../predict_schema.ts";
import { HttpError } from "../problem.ts";
import type { ServiceState } from "../state.ts";

/** What the predict route needs. */
export interface PredictDeps {
  state: ServiceState;
  metrics: Metrics;
  config: Pick<Config, "maxBatch" | "maxBodyBytes" | "bodyTimeoutMs" | "maxInflight">;
  servedBy: string;
}

/** Create the `/predict` sub-app. */
export function predictRoutes(deps: PredictDeps): Hono<{ Variables: JsonBodyVariables }> {
  const { state, metrics, config, servedBy } = deps;
  const app = new Hono<{ Variables: JsonBodyVariables }>();
  app.post(
    "/predict",
    inflightLimit({ max: config.maxInflight }),
    async (_c, next) => {
      // Before reading the body: a replica that cannot score should say so at once.
      // While draining the model is still loaded and requests are still served.
      if (state.detector === null) {
        throw new HttpError("not-ready", state.reason ?? "Model is not ready", {
          headers: { "retry-after": "5" },
          extra: { state: state.status },
        });
      }
      await next();
    },
    jsonBody({ maxBytes: config.maxBodyBytes, timeoutMs: config.bodyTimeoutMs }),
    (c) => {
      let readings;
      try {
        readings = validatePredictBody(c.get("body"), { maxBatch: config.maxBatch });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        throw new HttpError("validation", err.message, {
          errors: err.errors,
          ...(err.limit !== undefined ? { extra: { limit: err.limit } } : {}),
        });
      }
      const detector = state.detector!;
      const start = performance.now();
      const predictions = detector.predict(readings);
      metrics.inferenceLatency.observe((performance.now() - start) / 1000);
      let anomalies = 0;
      for (const p of predictions) if (p.anomaly) anomalies++;
      metrics.readingsTotal.inc(readings.length);
      metrics.batchSize.observe(readings.length);
      if (anomalies > 0) metrics.anomaliesTotal.inc(anomalies);
      return c.json({
        predictions,
        anomalies,
        total: predictions.length,
        served_by: servedBy,
        model_version: detector.info.version,
      });
    },
  );
  return app;
}

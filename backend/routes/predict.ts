/** `POST /predict`: score a batch of readings. */
import { Hono } from "hono";
import type { Config } from "../config.ts";
import type { Metrics } from "../metrics.ts";
import { bodyBudget } from "../middleware/body_budget.ts";
import { inflightLimit } from "../middleware/inflight_limit.ts";
import { jsonBody, type JsonBodyVariables } from "../middleware/json_body.ts";
import { requireModel } from "../middleware/require_model.ts";
import { requireDetector, scoreRequest } from "../score.ts";
import type { ServiceState } from "../state.ts";

/** What the predict route needs. */
export interface PredictDeps {
  state: ServiceState;
  metrics: Metrics;
  config: Pick<
    Config,
    "maxBatch" | "maxBodyBytes" | "bodyTimeoutMs" | "maxInflight" | "bodyBytesInFlightPerWorker"
  >;
  servedBy: string;
}

/** Create the `/predict` sub-app. */
export function predictRoutes(deps: PredictDeps): Hono<{ Variables: JsonBodyVariables }> {
  const { state, metrics, config, servedBy } = deps;
  const app = new Hono<{ Variables: JsonBodyVariables }>();
  app.post(
    "/predict",
    inflightLimit({ max: config.maxInflight }),
    requireModel(state),
    bodyBudget({
      budgetBytes: config.bodyBytesInFlightPerWorker,
      maxBodyBytes: config.maxBodyBytes,
      onChange: (reserved) => metrics.bodyBytesInFlight.set(reserved),
    }),
    jsonBody({
      maxBytes: config.maxBodyBytes,
      timeoutMs: config.bodyTimeoutMs,
      budgetBytes: config.bodyBytesInFlightPerWorker,
    }),
    function predict(c) {
      return c.json(
        scoreRequest(requireDetector(state), c.get("body"), {
          metrics,
          maxBatch: config.maxBatch,
          servedBy,
        }),
      );
    },
  );
  return app;
}

/** `POST /predict`: score a batch of readings. */
import { Hono, type MiddlewareHandler } from "hono";
import type { Config } from "../../config.ts";
import type { Metrics } from "../../metrics/metrics.ts";
import { workerBodyBudget } from "../middleware/body_budget.ts";
import { inflightLimit } from "../middleware/inflight_limit.ts";
import { jsonBody, type JsonBodyVariables } from "../middleware/json_body.ts";
import { requireModel } from "../middleware/require_model.ts";
import { requireDetector, type ScoreOptions, scoreRequest } from "../../predict/score.ts";
import type { ServiceState } from "../../predict/state.ts";

/** What the predict route needs. */
export interface PredictDeps {
  state: ServiceState;
  metrics: Metrics;
  config: Pick<
    Config,
    "maxBatch" | "maxBodyBytes" | "bodyTimeoutMs" | "maxInflight" | "bodyBytesInFlightPerWorker"
  >;
  servedBy: string;
  /** Told about every scored request (the model lifecycle: drift, shadow). */
  onScored?: ScoreOptions["onScored"];
  /** Body admission shared with the other body-reading routes; default: one of its own. */
  admitBody?: MiddlewareHandler<{ Variables: JsonBodyVariables }>;
  /** The worker's `MAX_INFLIGHT` limit, shared with `/feedback`; default: one of its own. */
  limitInflight?: MiddlewareHandler;
}

/** Create the `/predict` sub-app. */
export function predictRoutes(deps: PredictDeps): Hono<{ Variables: JsonBodyVariables }> {
  const { state, metrics, config, servedBy } = deps;
  const app = new Hono<{ Variables: JsonBodyVariables }>();
  // The same options for every request: nothing to build per request.
  const options: ScoreOptions = {
    metrics,
    maxBatch: config.maxBatch,
    servedBy,
    ...(deps.onScored ? { onScored: deps.onScored } : {}),
  };
  app.post(
    "/predict",
    deps.limitInflight ?? inflightLimit({ max: config.maxInflight }),
    requireModel(state),
    deps.admitBody ?? workerBodyBudget(config, metrics),
    jsonBody({
      maxBytes: config.maxBodyBytes,
      timeoutMs: config.bodyTimeoutMs,
      budgetBytes: config.bodyBytesInFlightPerWorker,
    }),
    function predict(c) {
      // The detector again, not the one `requireModel` saw: a promotion may have swapped it
      // while the body was read, and the response names the model that scored it.
      return c.json(scoreRequest(requireDetector(state), c.get("body"), options));
    },
  );
  return app;
}

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
import { ValidationError } from "../../predict/predict_schema.ts";
import type { CanaryRouter } from "../../mlops/canary_router.ts";

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
  /** Chooses champion or canary per request and counts each version's answers; absent: champion. */
  canary?: CanaryRouter;
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
      const champion = requireDetector(state);
      const body = c.get("body");
      const router = deps.canary;
      if (!router) return c.json(scoreRequest(champion, body, options));
      const route = router.choose(champion, body);
      const start = performance.now();
      let response;
      try {
        response = scoreRequest(route.detector, body, options);
      } catch (err) {
        // The client's mistake is no version's failure; anything else is the model's.
        if (!(err instanceof ValidationError)) {
          router.failed(route, (performance.now() - start) / 1000);
        }
        throw err;
      }
      router.answered(
        route,
        (performance.now() - start) / 1000,
        response.total,
        response.anomalies,
      );
      return c.json(response);
    },
  );
  return app;
}

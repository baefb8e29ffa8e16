/** `POST /predict`: score a batch of readings. */
import { Hono } from "hono";
import type { Config } from "../../config.ts";
import type { Metrics } from "../../metrics/metrics.ts";
import { type BodyAdmission, workerBodyBudget } from "../middleware/body_budget.ts";
import { InflightLimit } from "../middleware/inflight_limit.ts";
import { bodyRoute } from "../middleware/body_route.ts";
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
  admitBody?: BodyAdmission;
  /** The worker's `MAX_INFLIGHT` limit, shared with `/feedback`; default: one of its own. */
  limitInflight?: InflightLimit;
}

/** Create the `/predict` sub-app. */
export function predictRoutes(deps: PredictDeps): Hono {
  const { state, metrics, config, servedBy } = deps;
  const app = new Hono();
  // The same options for every request: nothing to build per request.
  const options: ScoreOptions = {
    metrics,
    maxBatch: config.maxBatch,
    servedBy,
    ...(deps.onScored ? { onScored: deps.onScored } : {}),
  };
  app.post(
    "/predict",
    bodyRoute({
      inflight: deps.limitInflight ?? new InflightLimit(config.maxInflight),
      bodies: deps.admitBody ?? workerBodyBudget(config, metrics),
      read: {
        maxBytes: config.maxBodyBytes,
        timeoutMs: config.bodyTimeoutMs,
        budgetBytes: config.bodyBytesInFlightPerWorker,
      },
      // 503 before the body is read when no model is loaded.
      ready: () => requireDetector(state),
    }, function predict(c, body) {
      // The detector again, not the one `ready` saw: a promotion may have swapped it
      // while the body was read, and the response names the model that scored it.
      const champion = requireDetector(state);
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
    }),
  );
  return app;
}

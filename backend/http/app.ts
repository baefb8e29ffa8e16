/**
 * The HTTP application: `createApp(deps)` wires routes and middleware around
 * injected dependencies, so tests call `app.request()` with fakes and the
 * server (one worker or several) supplies real ones.
 */
import { InflightLimit } from "./middleware/inflight_limit.ts";
import { Hono } from "hono";
import type { Config } from "../config.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { workerBodyBudget } from "./middleware/body_budget.ts";
import type { RequestIdVariables } from "./middleware/request_id.ts";
import { requestEnvelope } from "./middleware/request_envelope.ts";
import { shownArtifactPath } from "../store/model_store.ts";
import { HttpError, problemResponse } from "../../lib/problem.ts";
import { httpErrorOf } from "./domain_errors.ts";
import { routeTable } from "./route_table.ts";
import { ModelLifecycle } from "../mlops/model_lifecycle.ts";
import { ModelRegistry } from "../store/registry/mod.ts";
import { LabelStore } from "../store/label_store.ts";
import { FeedbackBudget } from "../mlops/feedback_budget.ts";
import { idVersion } from "../predict/prediction_id.ts";
import { docsRoutes } from "./routes/docs.ts";
import { feedbackRoutes } from "./routes/feedback.ts";
import { modelsRoutes } from "./routes/models.ts";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { modelRoutes } from "./routes/model.ts";
import { predictRoutes } from "./routes/predict.ts";
import { simulateRoutes } from "./routes/simulate.ts";
import type { ServiceState } from "../predict/state.ts";

/** Context variables every request has: its id. */
export type RequestVariables = RequestIdVariables;

/** What the application needs from its host. */
export interface AppDeps {
  config: Config;
  state: ServiceState;
  metrics: Metrics;
  logger: Logger;
  /** Identity reported in `served_by`: `pod:pid`, plus `/wN` with several workers. */
  servedBy: string;
  /** Render `/metrics`; defaults to this worker's registry. Several workers pass an aggregating collector. */
  collectMetrics?: () => Promise<string>;
  /** Challenger, shadow and drift of this instance; default: a new one over `state`. */
  lifecycle?: ModelLifecycle;
  /** The model registry; default: the one in `config.modelDir`. */
  registry?: ModelRegistry;
  /** Re-read the registry's aliases now (after an admin call); default: nothing to do. */
  refreshModels?: () => Promise<void>;
  /** Where labels are kept; default: the SQLite file `config.labelsDb`. */
  labels?: LabelStore;
}

/** Features per version id (`idVersion`) from the registry's metadata, re-read at most once a second on a miss. */
function registryFeatures(registry: ModelRegistry): (version: string) => Promise<string[] | null> {
  let known = new Map<string, string[]>();
  let readAt = -Infinity;
  return async (version) => {
    if (!known.has(version) && performance.now() - readAt > 1_000) {
      readAt = performance.now();
      // An unreadable registry knows no more versions than before; the label is refused as unknown.
      const listed = await registry.list().catch(() => null);
      if (listed) known = new Map(listed.map((m) => [idVersion(m.version), m.features]));
    }
    return known.get(version) ?? null;
  };
}

/** The challenger, shadow scoring and drift of one instance, sized by `config`. */
export function createLifecycle(
  deps: Pick<AppDeps, "config" | "state" | "metrics" | "logger">,
): ModelLifecycle {
  const { config } = deps;
  return new ModelLifecycle({
    state: deps.state,
    metrics: deps.metrics.lifecycle,
    logger: deps.logger,
    shadowRate: config.shadowRate,
    shadowQueue: config.shadowQueue,
    drift: config.drift,
  });
}

/** Build the Hono app. */
export function createApp(deps: AppDeps): Hono<{ Variables: RequestVariables }> {
  const { config, state, metrics, logger, servedBy } = deps;
  const app = new Hono<{ Variables: RequestVariables }>();

  // model_info{version} 1 names the served model from the moment it is loaded (also while draining).
  const syncModel = () => {
    metrics.modelReady.set(state.ready ? 1 : 0);
    const version = state.detector?.info.version;
    metrics.modelInfo.reset();
    if (version) metrics.modelInfo.set({ version }, 1);
  };
  state.onChange(syncModel);
  syncModel();
  let fallbacksSeen = 0;
  state.onModelStatus((status) => {
    metrics.modelServingMatchesAlias.set(status.matches ? 1 : 0);
    if (status.fallbacks > fallbacksSeen) {
      metrics.modelFallback.inc(status.fallbacks - fallbacksSeen);
      fallbacksSeen = status.fallbacks;
    }
  });

  const collect = deps.collectMetrics ?? (() => metrics.registry.metrics());
  const lifecycle = deps.lifecycle ?? createLifecycle(deps);
  const registry = deps.registry ??
    new ModelRegistry(config.modelDir, { retention: config.modelRetention });

  // Filled from the registered routes once they are all in (below), before any request.
  const routes = new Set<string>();
  const allowedMethods: Record<string, readonly string[]> = {};
  // Id, timing, metrics, log line; shadow scoring runs between requests, never during one.
  app.use(requestEnvelope({ logger, metrics, routes, inProgress: lifecycle }));

  app.get("/", (c) =>
    c.json({
      service: "anomaly-backend",
      endpoints: Object.fromEntries(
        Object.entries(allowedMethods).filter(([p]) => p !== "/").map(([p, m]) => [p, m[0]]),
      ),
      docs: "/docs",
    }));
  const labels = deps.labels ?? new LabelStore(config.labelsDb);
  // One body budget per worker for every route that reads a reading batch.
  const admitBody = workerBodyBudget(config, metrics);
  // One MAX_INFLIGHT count per worker across the routes that do work, as documented.
  const limitInflight = new InflightLimit(config.maxInflight);
  app.route(
    "/",
    predictRoutes({
      state,
      metrics,
      config,
      servedBy,
      admitBody,
      limitInflight,
      canary: lifecycle.canary,
      onScored: (readings, predictions, context, detector) =>
        lifecycle.observe(readings, predictions, context, detector),
    }),
  );
  app.route(
    "/",
    modelsRoutes({
      registry,
      state,
      lifecycle,
      logger,
      servedBy,
      adminTokens: config.adminTokens,
      pollSeconds: config.modelPollSeconds,
      shadowRate: config.shadowRate,
      canaryGuard: config.canary,
      retention: config.modelRetention,
      bodyTimeoutMs: config.bodyTimeoutMs,
      refresh: deps.refreshModels ?? (() => Promise.resolve()),
      collectMetrics: collect,
      drift: config.drift,
      labels,
    }),
  );
  app.route(
    "/",
    feedbackRoutes({
      state,
      lifecycle,
      metrics: metrics.lifecycle,
      labels,
      budget: new FeedbackBudget({ rate: config.feedbackRate, burst: config.feedbackMaxLabels }),
      token: config.feedbackToken,
      maxLabels: config.feedbackMaxLabels,
      versionFeatures: registryFeatures(registry),
      servedBy,
      maxBatch: config.maxBatch,
      maxBodyBytes: config.maxBodyBytes,
      bodyTimeoutMs: config.bodyTimeoutMs,
      maxInflight: config.maxInflight,
      admitBody,
      limitInflight,
      bodyBytesInFlightPerWorker: config.bodyBytesInFlightPerWorker,
    }),
  );
  app.route("/", simulateRoutes({ maxReadings: config.maxBatch }));
  app.route("/", healthRoutes({ state, servedBy }));
  app.route(
    "/",
    modelRoutes({
      state,
      servedBy,
      artifactPath: shownArtifactPath(config.modelDir, config.modelName),
      ratedCurrent: config.ratedCurrent,
    }),
  );
  app.route(
    "/",
    metricsRoutes({ collect }),
  );
  app.route(
    "/",
    docsRoutes({ maxBatch: config.maxBatch, maxBodyBytes: config.maxBodyBytes, state }),
  );

  Object.assign(allowedMethods, routeTable(app.routes));
  for (const path of Object.keys(allowedMethods)) routes.add(path);

  app.notFound((c) => {
    const allowed = allowedMethods[c.req.path];
    if (allowed) {
      return problemResponse(
        new HttpError(
          "method-not-allowed",
          `${c.req.method.slice(0, 40)} is not allowed on ${c.req.path}; use ${
            allowed.join(" or ")
          }`,
          {
            headers: { allow: allowed.join(", ") },
          },
        ),
        c.get("requestId"),
      );
    }
    return problemResponse(
      new HttpError(
        "not-found",
        `No route for ${c.req.method.slice(0, 40)} ${c.req.path.slice(0, 200)}; see /docs`,
      ),
      c.get("requestId"),
    );
  });

  app.onError((err, c) => {
    const problem = httpErrorOf(err);
    if (problem) return problemResponse(problem, c.get("requestId"));
    // Anything else is a bug: log it in full, answer without internals.
    logger.error("unhandled_error", {
      request_id: c.get("requestId"),
      error: errorMessage(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return problemResponse(
      new HttpError(
        "internal",
        "The server failed to handle this request; the request id identifies it in the logs",
      ),
      c.get("requestId"),
    );
  });
  return app;
}

/** `GET /health` (liveness: the process answers) and `GET /ready` (readiness: `/predict` can be served). */
import { Hono } from "hono";
import { FEATURES } from "../../detector/mod.ts";
import type { ServiceState } from "../../predict/state.ts";

/** What the health routes need. */
export interface HealthDeps {
  state: ServiceState;
  servedBy: string;
}

const started = performance.now();

/** Create the health sub-app. */
export function healthRoutes(deps: HealthDeps): Hono {
  const { state, servedBy } = deps;
  const app = new Hono();
  // Liveness checks nothing beyond this process: a slow or failed model load
  // must not get the pod restarted in a loop.
  app.get("/health", (c) =>
    c.json({
      status: "ok",
      model: state.detector?.info.name ?? "isolation_forest",
      features: state.detector?.info.features ?? FEATURES,
      model_loaded: state.detector !== null,
      model_version: state.detector?.info.version ?? null,
      state: state.status,
      served_by: servedBy,
      uptime_seconds: Math.round((performance.now() - started) / 10) / 100,
    }));
  app.get("/ready", (c) => {
    const warning = state.detector?.info.warning;
    // `warning`: ready, but serving another model than configured (e.g. an artifact the service
    // did not make and will not replace); see `/model`.
    const body = {
      status: state.status,
      ready: state.ready,
      reason: state.reason,
      ...(warning ? { warning } : {}),
    };
    if (state.ready) return c.json(body, 200);
    c.header("retry-after", "5");
    return c.json(body, 503);
  });
  return app;
}

/** `GET /metrics`: Prometheus text exposition. */
import { Hono } from "hono";
import { METRICS_CONTENT_TYPE } from "../../metrics/metrics.ts";

/** What the metrics route needs. */
export interface MetricsDeps {
  /** Render the exposition (aggregated over every worker when there are several). */
  collect: () => Promise<string>;
}

/** Create the metrics sub-app. */
export function metricsRoutes(deps: MetricsDeps): Hono {
  const app = new Hono();
  app.get("/metrics", async (c) => {
    c.header("content-type", METRICS_CONTENT_TYPE);
    return c.body(await deps.collect());
  });
  return app;
}

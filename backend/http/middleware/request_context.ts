/**
 * First middleware on every request: assigns a request id, times the request,
 * counts it in `requests_total` / `request_latency_seconds` under its route
 * pattern and a method from a closed set (never the raw path or method, so
 * unknown URLs and made-up methods cannot grow the series count), and writes
 * one JSON log line.
 */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../../lib/logger.ts";
import { methodLabel, type Metrics } from "../../metrics.ts";

/** Hono context variables set by this middleware. */
export interface RequestVariables {
  requestId: string;
}

/** Options for {@link requestContext}. */
export interface RequestContextOptions {
  metrics: Metrics;
  logger: Logger;
  /** Route patterns served by the app; any other path is labelled `other`. */
  routes: ReadonlySet<string>;
}

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Create the request-context middleware. */
export function requestContext(
  options: RequestContextOptions,
): MiddlewareHandler<{ Variables: RequestVariables }> {
  const { metrics, logger, routes } = options;
  return async (c, next) => {
    const start = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    metrics.inflight.inc();
    try {
      await next();
    } finally {
      metrics.inflight.dec();
      const seconds = (performance.now() - start) / 1000;
      const path = routes.has(c.req.path) ? c.req.path : "other";
      const method = methodLabel(c.req.method);
      const status = c.res.status;
      metrics.requestsTotal.inc({ path, method, status: String(status) });
      metrics.requestLatency.observe({ path, method }, seconds);
      c.res.headers.set("x-request-id", requestId);
      const fields = {
        request_id: requestId,
        method,
        path,
        status,
        duration_ms: Math.round(seconds * 1e5) / 100,
      };
      // 503 is the expected answer while loading or draining, not a fault.
      if (status >= 500 && status !== 503) logger.error("request", fields);
      else if (status === 503) logger.warn("request", fields);
      else if (status >= 400) logger.info("request", fields);
      else logger.debug("request", fields);
    }
  };
}

/**
 * What every request gets, in one middleware frame: its id (`X-Request-Id`,
 * kept from the caller when sane), its duration, the in-flight gauge, the
 * request counter and latency histogram, one log line, and the lifecycle's
 * "a request is in progress" mark (shadow scoring waits for none). One frame,
 * not five: each Hono middleware frame costs about 1.5 µs of CPU per request,
 * a tenth of a one-reading `/predict` beyond what HTTP itself costs
 * (docs/PERFORMANCE.md, the profile's before and after).
 */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../../lib/logger.ts";
import { GaugeSeries } from "../../metrics/metric_series.ts";
import { methodLabel, type Metrics, routeLabel } from "../../metrics/metrics.ts";
import { chooseRequestId, type RequestIdVariables } from "./request_id.ts";
import { logRequest } from "./request_log.ts";
import { RequestRecorder } from "./request_metrics.ts";

/** Options for {@link requestEnvelope}. */
export interface RequestEnvelopeOptions {
  logger: Logger;
  metrics: Metrics;
  /** Registered route patterns (label values); anything else is "other". */
  routes: ReadonlySet<string>;
  /** Told when a request starts and finishes (the model lifecycle); default: nobody. */
  inProgress?: { requestStarted(): void; requestFinished(): void };
}

/** The outermost middleware; see the module comment. */
export function requestEnvelope(
  options: RequestEnvelopeOptions,
): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  const { logger, routes, inProgress } = options;
  const recorder = new RequestRecorder(options.metrics);
  const inflight = new GaugeSeries(options.metrics.inflight);
  return async function requestEnvelope(c, next) {
    const id = chooseRequestId(c.req.header("x-request-id"));
    c.set("requestId", id);
    inflight.inc();
    inProgress?.requestStarted();
    const start = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - start) / 1000;
      inProgress?.requestFinished();
      inflight.dec();
      const path = routeLabel(c.req.path, routes);
      const method = methodLabel(c.req.method);
      const status = c.res.status;
      recorder.record(path, method, status, seconds);
      logRequest(logger, id, method, path, status, seconds);
      c.res.headers.set("x-request-id", id);
    }
  };
}

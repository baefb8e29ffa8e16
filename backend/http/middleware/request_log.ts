/**
 * Writes one JSON log line per request: id, method and route labels, status
 * and duration. The level follows the status: `debug` for success, `info`
 * for client errors, `warn` for 503 (the expected answer while loading,
 * draining or shedding load, not a fault) and `error` for other 5xx. Reads
 * the id from {@link requestId} and the time from {@link timing}.
 */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../../lib/logger.ts";
import { methodLabel, routeLabel } from "../../metrics/metrics.ts";
import type { RequestIdVariables } from "./request_id.ts";
import type { TimingVariables } from "./timing.ts";

/** Options for {@link requestLog}. */
export interface RequestLogOptions {
  logger: Logger;
  /** Route patterns served by the app; any other path is logged as `other`. */
  routes: ReadonlySet<string>;
}

/** Create the request-log middleware. */
export function requestLog(
  options: RequestLogOptions,
): MiddlewareHandler<{ Variables: RequestIdVariables & TimingVariables }> {
  const { logger, routes } = options;
  return async function requestLog(c, next) {
    try {
      await next();
    } finally {
      const status = c.res.status;
      const fields = {
        request_id: c.get("requestId"),
        method: methodLabel(c.req.method),
        path: routeLabel(c.req.path, routes),
        status,
        duration_ms: Math.round((c.get("elapsedSeconds") ?? 0) * 1e5) / 100,
      };
      if (status >= 500 && status !== 503) logger.error("request", fields);
      else if (status === 503) logger.warn("request", fields);
      else if (status >= 400) logger.info("request", fields);
      else logger.debug("request", fields);
    }
  };
}

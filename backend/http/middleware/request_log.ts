/**
 * One log line per request, at a level that follows the status: debug for
 * success (off at the default level), info for client errors, warn for 503
 * (overload, not ready), error for other server errors.
 */
import type { Level, Logger } from "../../../lib/logger.ts";

/** The level of a request's line by its status. */
export function requestLevel(status: number): Level {
  if (status >= 500 && status !== 503) return "error";
  if (status === 503) return "warn";
  return status >= 400 ? "info" : "debug";
}

/** Write the request's line (its fields are built only when the level is on). */
export function logRequest(
  logger: Logger,
  requestId: string,
  method: string,
  path: string,
  status: number,
  seconds: number,
): void {
  const level = requestLevel(status);
  if (!logger.enabled(level)) return;
  logger[level]("request", {
    request_id: requestId,
    method,
    path,
    status,
    duration_ms: Math.round(seconds * 1e5) / 100,
  });
}

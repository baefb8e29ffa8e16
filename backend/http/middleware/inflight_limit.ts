/**
 * Sheds load explicitly: past `max` concurrent requests on this worker, answer
 * 503 with Retry-After at once instead of queueing without bound.
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "../../../lib/problem.ts";

/** Options for {@link inflightLimit}. */
export interface InflightLimitOptions {
  max: number;
}

/** Create a concurrency-limiting middleware. */
export function inflightLimit(options: InflightLimitOptions): MiddlewareHandler {
  const { max } = options;
  let inflight = 0;
  return async function inflightLimit(_c, next) {
    if (inflight >= max) {
      throw new HttpError(
        "overloaded",
        `More than ${max} requests are in progress on this worker (MAX_INFLIGHT); retry shortly`,
        // Close: the body is not read, and draining it would spend the CPU shedding is meant to save.
        { headers: { "retry-after": "1", connection: "close" } },
      );
    }
    inflight++;
    try {
      await next();
    } finally {
      inflight--;
    }
  };
}

/**
 * Times the rest of the chain: after it, `c.get("elapsedSeconds")` holds the
 * seconds from this middleware to the response being ready. Installed inside
 * the metrics and logging middlewares, so they read one measurement instead
 * of each taking their own clock readings.
 */
import type { MiddlewareHandler } from "hono";

/** Hono context variables set by {@link timing}. */
export interface TimingVariables {
  /** Seconds the rest of the chain took; set once it has finished, also when it threw. */
  elapsedSeconds: number;
}

/** Create the timing middleware. */
export function timing(): MiddlewareHandler<{ Variables: TimingVariables }> {
  return async function timing(c, next) {
    const start = performance.now();
    try {
      await next();
    } finally {
      c.set("elapsedSeconds", (performance.now() - start) / 1000);
    }
  };
}

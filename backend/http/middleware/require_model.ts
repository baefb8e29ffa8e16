/**
 * Readiness guard for routes that need the model: without a loaded detector,
 * 503 with Retry-After before a byte of the body is read, so a replica that
 * cannot score says so at once. While draining the model is still loaded and
 * requests are still served.
 */
import type { MiddlewareHandler } from "hono";
import { requireDetector } from "../../predict/score.ts";
import type { ServiceState } from "../../predict/state.ts";

/** Create the readiness guard over `state`. */
export function requireModel(state: ServiceState): MiddlewareHandler {
  // Not async: nothing to do after the rest of the chain, so no frame of its own to await it.
  return function requireModel(_c, next) {
    requireDetector(state);
    return next();
  };
}

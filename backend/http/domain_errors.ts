/**
 * The one place where the service's domain errors become HTTP problems: the
 * use cases below HTTP throw `ValidationError` (a body that is JSON but not a
 * valid request), `NotReadyError` (no model to serve) and the registry's
 * `StoreUnavailableError` (its volume full, read-only or failing: 503 with
 * Retry-After); `app.onError` and the plain `Deno.serve` variant render what
 * this returns.
 */
import { HttpError } from "../../lib/problem.ts";
import { ValidationError } from "../predict/predict_schema.ts";
import { NotReadyError } from "../predict/score.ts";
import { StoreUnavailableError } from "../store/registry/mod.ts";

/** The HTTP problem for `err`, or null when it is no known error (a bug: 500). */
export function httpErrorOf(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err instanceof ValidationError) {
    return new HttpError("validation", err.message, {
      errors: err.errors,
      ...(err.limit !== undefined ? { extra: { limit: err.limit } } : {}),
    });
  }
  if (err instanceof NotReadyError) {
    return new HttpError("not-ready", err.message, {
      headers: { "retry-after": "5" },
      extra: { state: err.state },
    });
  }
  if (err instanceof StoreUnavailableError) {
    return new HttpError("store-unavailable", err.message, {
      headers: { "retry-after": String(err.retryAfterSeconds) },
      extra: { store_state: err.state },
    });
  }
  return null;
}

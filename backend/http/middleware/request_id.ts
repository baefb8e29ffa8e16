/**
 * Gives every request an id: a sane incoming `X-Request-Id` is kept (so a
 * caller's id joins its logs with ours), anything else is replaced by a
 * random UUID. The id is in `c.get("requestId")` for handlers, problem
 * bodies and logs, and goes back in the `X-Request-Id` response header.
 */
import type { MiddlewareHandler } from "hono";

/** Hono context variables set by {@link requestId}. */
export interface RequestIdVariables {
  requestId: string;
}

/** The incoming ids kept as they are: short, and safe in a log line or a header. */
const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The id for a request that came with `incoming` (an `X-Request-Id` header, if any). */
export function chooseRequestId(incoming: string | undefined | null): string {
  return incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/** Create the request-id middleware. */
export function requestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async function requestId(c, next) {
    const id = chooseRequestId(c.req.header("x-request-id"));
    c.set("requestId", id);
    try {
      await next();
    } finally {
      c.res.headers.set("x-request-id", id);
    }
  };
}

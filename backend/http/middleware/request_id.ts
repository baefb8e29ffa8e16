/**
 * Every request's id: a sane incoming `X-Request-Id` is kept (so a caller's
 * id joins its logs with ours), anything else is replaced by a random UUID.
 * `request_envelope.ts` puts it in `c.get("requestId")` for handlers, problem
 * bodies and logs, and back in the `X-Request-Id` response header.
 */

/** Hono context variables set by `requestEnvelope`. */
export interface RequestIdVariables {
  requestId: string;
}

/** The incoming ids kept as they are: short, and safe in a log line or a header. */
const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The id for a request that came with `incoming` (an `X-Request-Id` header, if any). */
export function chooseRequestId(incoming: string | undefined | null): string {
  return incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/**
 * Guards the model admin endpoints: 403 while no admin token is configured
 * (`ADMIN_TOKEN`/`ADMIN_TOKENS` unset: the endpoints are off), 401 with
 * `WWW-Authenticate: Bearer` for a missing or wrong token. On success the
 * token's name is the request's `actor` (the alias history's "who"). The
 * comparison is constant-time (`mlops/admin_auth.ts`).
 */
import type { MiddlewareHandler } from "hono";
import { matchBearer, type NamedToken } from "../../mlops/admin_auth.ts";
import { HttpError } from "../../../lib/problem.ts";

/** Options for {@link adminAuth}. */
export interface AdminAuthOptions {
  /** The configured named tokens; empty when admin endpoints are off. */
  tokens: readonly NamedToken[];
}

/** Variables {@link adminAuth} sets. */
export interface AdminVariables {
  /** The name of the admin token the request carried. */
  actor: string;
}

/** Create the admin-token middleware. */
export function adminAuth(
  options: AdminAuthOptions,
): MiddlewareHandler<{ Variables: AdminVariables }> {
  return async function adminAuth(c, next) {
    const { result, name } = matchBearer(c.req.header("authorization"), options.tokens);
    if (result === "disabled") {
      throw new HttpError(
        "forbidden",
        "Model admin endpoints are off: start the service with ADMIN_TOKEN (or " +
          "ADMIN_TOKENS=name:token,...) set to enable them",
      );
    }
    if (result !== "ok" || name === null) {
      throw new HttpError(
        "unauthorized",
        result === "missing"
          ? "Send an admin token as Authorization: Bearer <token>"
          : "The admin token is wrong",
        { headers: { "www-authenticate": 'Bearer realm="anomaly-admin"' } },
      );
    }
    c.set("actor", name);
    await next();
  };
}

/**
 * Guards the model admin endpoints: 403 while `ADMIN_TOKEN` is unset (the
 * endpoints are off), 401 with `WWW-Authenticate: Bearer` for a missing or
 * wrong token. The comparison is constant-time (`mlops/admin_auth.ts`).
 */
import type { MiddlewareHandler } from "hono";
import { checkBearer } from "../../mlops/admin_auth.ts";
import { HttpError } from "../../../lib/problem.ts";

/** Options for {@link adminAuth}. */
export interface AdminAuthOptions {
  /** The configured token, or null when admin endpoints are off. */
  token: string | null;
}

/** Create the admin-token middleware. */
export function adminAuth(options: AdminAuthOptions): MiddlewareHandler {
  return async function adminAuth(c, next) {
    const result = checkBearer(c.req.header("authorization"), options.token);
    if (result === "disabled") {
      throw new HttpError(
        "forbidden",
        "Model admin endpoints are off: start the service with ADMIN_TOKEN set to enable them",
      );
    }
    if (result !== "ok") {
      throw new HttpError(
        "unauthorized",
        result === "missing"
          ? "Send the admin token as Authorization: Bearer <ADMIN_TOKEN>"
          : "The admin token is wrong",
        { headers: { "www-authenticate": 'Bearer realm="anomaly-admin"' } },
      );
    }
    await next();
  };
}

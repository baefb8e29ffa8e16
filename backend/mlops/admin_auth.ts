/**
 * The admin bearer-token check, without HTTP framework types. Both sides are
 * hashed with SHA-256 before a constant-time comparison, so neither the
 * token's content nor its length leaks through response timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** Result of {@link checkBearer}. */
export type BearerCheck = "ok" | "disabled" | "missing" | "wrong";

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * Check an `Authorization` header against the admin token: "disabled" when no
 * token is configured (admin endpoints are off), "missing" without a bearer
 * credential, "wrong" when it differs, else "ok".
 */
export function checkBearer(header: string | undefined, token: string | null): BearerCheck {
  if (!token) return "disabled";
  const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  if (!match) return "missing";
  return timingSafeEqual(digest(match[1]), digest(token)) ? "ok" : "wrong";
}

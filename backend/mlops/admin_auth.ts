/**
 * The admin bearer-token check, without HTTP framework types. Both sides are
 * hashed with SHA-256 before a constant-time comparison, so neither the
 * token's content nor its length leaks through response timing. Every
 * configured token is compared (no early exit), so timing does not tell which
 * name matched either.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** Result of {@link checkBearer}. */
export type BearerCheck = "ok" | "disabled" | "missing" | "wrong";

/** A named credential: the name is who acted, for the alias history and logs. */
export interface NamedToken {
  name: string;
  token: string;
}

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * Check an `Authorization` header against the configured tokens: "disabled"
 * when there are none (admin endpoints are off), "missing" without a bearer
 * credential, "wrong" when it matches none, else "ok" with the token's name.
 */
export function matchBearer(
  header: string | undefined,
  tokens: readonly NamedToken[],
): { result: BearerCheck; name: string | null } {
  if (tokens.length === 0) return { result: "disabled", name: null };
  const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  if (!match) return { result: "missing", name: null };
  const given = digest(match[1]);
  let name: string | null = null;
  for (const t of tokens) {
    if (timingSafeEqual(given, digest(t.token)) && name === null) name = t.name;
  }
  return name === null ? { result: "wrong", name } : { result: "ok", name };
}

/** {@link matchBearer} for a single unnamed token (null: endpoints off). */
export function checkBearer(header: string | undefined, token: string | null): BearerCheck {
  return matchBearer(header, token ? [{ name: "admin", token }] : []).result;
}

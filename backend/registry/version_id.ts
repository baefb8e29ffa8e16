/**
 * Model version identifiers. A version is the artifact's content hash,
 * `sha256:` and 64 hex digits; responses show the first 12 digits
 * (`model_version`). Clients may name a version by any unique prefix of at
 * least 12 digits, with or without `sha256:`.
 */

/** Digits in the short form shown as `model_version`. */
export const SHORT_DIGITS = 12;

const FULL = /^sha256:[0-9a-f]{64}$/;

/** True for a full version id, `sha256:` and 64 lowercase hex digits. */
export function isFullVersion(value: string): boolean {
  return FULL.test(value);
}

/** The 64 hex digits of a full version (used as its file name). */
export function versionHex(version: string): string {
  if (!isFullVersion(version)) {
    throw new TypeError(`Version must be "sha256:" and 64 hex digits, got "${version}"`);
  }
  return version.slice("sha256:".length);
}

/** The short form of a full version: `sha256:` and 12 hex digits. */
export function shortVersion(version: string): string {
  return version.slice(0, "sha256:".length + SHORT_DIGITS);
}

/**
 * The hex prefix a client's version reference names. Throws TypeError naming
 * the value when it is not `[sha256:]` and 12 to 64 hex digits.
 */
export function versionPrefix(ref: unknown): string {
  if (typeof ref !== "string") {
    throw new TypeError(`version must be a string, got ${JSON.stringify(ref) ?? String(ref)}`);
  }
  const hex = ref.startsWith("sha256:") ? ref.slice("sha256:".length) : ref;
  if (!/^[0-9a-f]{12,64}$/.test(hex)) {
    throw new TypeError(
      `version must be "sha256:" and 12 to 64 lowercase hex digits (as in model_version), got ` +
        `"${ref.slice(0, 80)}"`,
    );
  }
  return hex;
}

/**
 * Why a version cannot be served, in words safe to show: the message of a
 * {@link VersionUnusableError} never quotes the file, because a parse error
 * quotes the bytes it choked on and a version file may be a symbolic link to
 * anything. The full error goes to the log only (`detail`).
 */

/** A registered version that cannot be loaded, or whose content is another version's. */
export class VersionUnusableError extends RangeError {
  /** The full version. */
  readonly version: string;
  /** The underlying error's message, for the log only (may quote the file). */
  readonly detail: string;

  /** Create the error; `message` must not contain file content. */
  constructor(version: string, message: string, detail = message) {
    super(message);
    this.name = "VersionUnusableError";
    this.version = version;
    this.detail = detail;
  }
}

/**
 * A description of why parsing an artifact failed that quotes nothing from
 * the file: "it is not valid JSON (truncated or damaged)" or "it is not a
 * valid model artifact".
 */
export function artifactProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof SyntaxError || message.startsWith("Artifact is not valid JSON")) {
    return "it is not valid JSON (truncated or damaged)";
  }
  if (/format version .* is not supported/.test(message)) {
    return "its artifact format version is not supported by this service";
  }
  if (/^Artifact format must be/.test(message)) return "it is not a model artifact";
  if (/^Artifact content hash .* does not match its version/.test(message)) {
    return "its content hash does not match the version it states (edited or damaged)";
  }
  return "it is not a valid model artifact";
}

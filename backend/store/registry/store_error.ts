/**
 * Store failures a caller can wait out: a full or read-only volume, a lock
 * held by another writer, a file system that fails. The HTTP layer answers
 * them with 503 and `Retry-After`, naming the state, instead of a generic 500.
 */

/** What is wrong with the store. */
export type StoreState = "full" | "read-only" | "locked" | "failing";

/** The store cannot take a write (or a read) now; retrying later may work. */
export class StoreUnavailableError extends Error {
  /** What is wrong with the store. */
  readonly state: StoreState;
  /** Seconds a client should wait before retrying. */
  readonly retryAfterSeconds: number;

  /** Create the error; `message` names the state and what to do. */
  constructor(
    state: StoreState,
    message: string,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "StoreUnavailableError";
    this.state = state;
    this.retryAfterSeconds = options.retryAfterSeconds ?? (state === "locked" ? 1 : 30);
  }
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * `err` as a {@link StoreUnavailableError} when it is an operating-system
 * error of the store (full, read-only, permission, I/O), else `err` itself.
 * `what` says what was being done, e.g. "write the champion alias".
 */
export function storeError(err: unknown, what: string): unknown {
  if (err instanceof StoreUnavailableError) return err;
  const code = codeOf(err);
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new StoreUnavailableError(
      "full",
      `The model store is full: cannot ${what}; free space on MODEL_DIR's volume and retry`,
      { cause: err },
    );
  }
  if (
    code === "EROFS" || code === "EACCES" || code === "EPERM" ||
    err instanceof Deno.errors.PermissionDenied
  ) {
    return new StoreUnavailableError(
      "read-only",
      `The model store is read-only (${code ?? "permission denied"}): cannot ${what}; ` +
        "mount MODEL_DIR writable for this process and retry",
      { cause: err },
    );
  }
  if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.AlreadyExists) return err;
  // Any other operating-system error (I/O, a directory where a file belongs, ...): the store is
  // not usable as it is; the message names the code, never a path or a file's content.
  if (code !== undefined || isOsError(err)) {
    return new StoreUnavailableError(
      "failing",
      `The model store is failing (${code ?? (err as Error).name}): cannot ${what}; ` +
        "check MODEL_DIR's volume and retry",
      { cause: err },
    );
  }
  return err;
}

/** Whether `err` is one of Deno's file-system errors (`Deno.errors.*`). */
function isOsError(err: unknown): boolean {
  return err instanceof Error &&
    Object.values(Deno.errors).some((kind) => typeof kind === "function" && err instanceof kind);
}

/** Run `fn`, turning store errors into {@link StoreUnavailableError} (see {@link storeError}). */
export async function guardStore<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw storeError(err, what);
  }
}

/**
 * Waiting for a condition in tests: poll with a deadline instead of sleeping
 * a guessed time and asserting (which fails on a loaded machine).
 */

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long; the error names `what`. */
  timeoutMs?: number;
  /** Pause between probes. */
  intervalMs?: number;
  /** The condition, for the error message, e.g. "20 requests in flight". */
  what: string;
}

/**
 * Call `probe` until it returns a value other than `undefined` and return that
 * value; throws naming `what` when `timeoutMs` passes first. A probe that
 * throws counts as not yet (the server may not be up).
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: WaitForOptions,
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 20, what } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (true) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

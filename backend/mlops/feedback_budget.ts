/**
 * How many labels each client may post: a token bucket per client that
 * holds up to `burst` labels and refills at `rate` per second. One request
 * cannot move live precision by more than a burst, and a client that keeps
 * posting is held to the rate. Clients are bounded too: past
 * {@link MAX_CLIENTS} the least recently seen is forgotten (it gets a full
 * bucket when it comes back, which a flood of fresh addresses cannot exploit
 * beyond one burst each).
 */

/** Clients remembered at once. */
export const MAX_CLIENTS = 10_000;

/** Options for {@link FeedbackBudget}. */
export interface FeedbackBudgetOptions {
  /** Labels per second a client regains. */
  rate: number;
  /** Most labels a client may post at once (and the largest request). */
  burst: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Per-client label budgets. */
export class FeedbackBudget {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  /** Budgets of `burst` labels refilled at `rate` per second. */
  constructor(options: FeedbackBudgetOptions) {
    if (!(options.rate > 0) || !(options.burst >= 1)) {
      throw new RangeError(
        `Feedback rate must be positive and burst at least 1, got ${options.rate} and ${options.burst}`,
      );
    }
    this.#rate = options.rate;
    this.#burst = options.burst;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Take `n` labels from `client`'s budget: 0 when granted, else the seconds
   * until they would be (nothing is taken then).
   */
  take(client: string, n: number): number {
    const now = this.#now();
    let bucket = this.#buckets.get(client);
    if (bucket) {
      this.#buckets.delete(client);
      bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) / 1000 * this.#rate);
      bucket.at = now;
    } else {
      bucket = { tokens: this.#burst, at: now };
      if (this.#buckets.size >= MAX_CLIENTS) {
        this.#buckets.delete(this.#buckets.keys().next().value!);
      }
    }
    // Most recently seen last, so the first key is the one to forget.
    this.#buckets.set(client, bucket);
    if (bucket.tokens >= n) {
      bucket.tokens -= n;
      return 0;
    }
    return Math.max(1, Math.ceil((n - bucket.tokens) / this.#rate));
  }
  /** Give back `n` labels taken from `client` whose write was refused (never above the burst). */
  refund(client: string, n: number): void {
    const bucket = this.#buckets.get(client);
    if (bucket) bucket.tokens = Math.min(this.#burst, bucket.tokens + n);
  }
}

/**
 * Sheds load explicitly: past `max` concurrent requests on this worker, answer
 * 503 with Retry-After at once instead of queueing without bound. One limit
 * is shared by every route that does work (`/predict`, `/feedback`).
 */
import { HttpError } from "../../../lib/problem.ts";

/** A count of requests in progress with a ceiling. */
export class InflightLimit {
  readonly #max: number;
  #inflight = 0;

  /** A limit of `max` requests at once. */
  constructor(max: number) {
    this.#max = max;
  }

  /** Count a request in; throws the 503 when `max` are already in progress. Pair with {@link leave}. */
  enter(): void {
    if (this.#inflight >= this.#max) {
      throw new HttpError(
        "overloaded",
        `More than ${this.#max} requests are in progress on this worker (MAX_INFLIGHT); retry shortly`,
        // Close: the body is not read, and draining it would spend the CPU shedding is meant to save.
        { headers: { "retry-after": "1", connection: "close" } },
      );
    }
    this.#inflight++;
  }

  /** Count a request out. */
  leave(): void {
    this.#inflight--;
  }
}

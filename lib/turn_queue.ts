/**
 * Takes turns at the event loop for pieces of synchronous work, framework-free.
 *
 * Scoring a large batch is one synchronous stretch (parse, validate, score,
 * serialize). Under 200 concurrent 5,000-reading bodies, the bodies complete
 * together and their handlers ran back to back in one turn of the event
 * loop: no timer and no other connection was served for seconds (the
 * serving port's `/health` failed half its probes). Work that enters this
 * queue runs one piece at a time, and when others wait, the next starts on
 * a later turn of the event loop (a timer), so other connections, probes and
 * timers run between any two pieces. Without contention, entering costs
 * nothing: no timer, no wait.
 */

/** One piece of work at a time, with a turn of the event loop between pieces. */
export class TurnQueue {
  readonly #waiting: (() => void)[] = [];
  #busy = false;

  /** Pieces waiting for their turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Wait for this piece's turn; call {@link leave} once it is done. */
  enter(): Promise<void> {
    if (!this.#busy) {
      this.#busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** The current piece is done: the next one, if any, starts on a later turn. */
  leave(): void {
    const next = this.#waiting.shift();
    if (next === undefined) {
      this.#busy = false;
      return;
    }
    setTimeout(next, 0);
  }

  /** Run `work` in its turn. */
  async run<T>(work: () => T | Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }
}

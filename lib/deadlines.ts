/**
 * Deadlines for many concurrent operations on one timer, framework-free.
 *
 * Every request body is read against a deadline (BODY_TIMEOUT_MS), and almost
 * every body arrives long before it. A `setTimeout`/`clearTimeout` pair per
 * request cost about 1.4 µs and several runtime calls, a tenth of a small
 * request's budget. Here a deadline is an entry in a set: one timer is armed
 * for the earliest pending deadline, a finished operation only leaves the set,
 * and the timer, when it fires, runs the expired callbacks and re-arms for the
 * next pending deadline (or not at all). Under load that is one timer per
 * timeout period instead of one per request. The timer keeps the process
 * alive only while a deadline is pending (ref/unref cost 30 ns): an armed
 * timer with nothing to do neither holds the process nor trips a test's
 * leak check.
 */

/** A scheduled deadline; pass it to {@link Deadlines.cancel} once the operation is done. */
export interface Deadline {
  /** `performance.now()` at which it fires. */
  readonly at: number;
}

interface Entry extends Deadline {
  fire: () => void;
}

/** Runs callbacks at their deadlines unless cancelled first; see the module comment. */
export class Deadlines {
  readonly #pending = new Set<Entry>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedAt = Infinity;

  /** Deadlines not yet fired or cancelled. */
  get size(): number {
    return this.#pending.size;
  }

  /** Call `fire` in `ms` milliseconds unless cancelled before. */
  schedule(ms: number, fire: () => void): Deadline {
    const entry: Entry = { at: performance.now() + ms, fire };
    this.#pending.add(entry);
    if (entry.at < this.#armedAt) this.#arm(entry.at);
    else if (this.#pending.size === 1) Deno.refTimer(this.#timer!);
    return entry;
  }

  /** Forget `deadline` (idempotent). The timer stays armed; if it finds nothing due it stops. */
  cancel(deadline: Deadline): void {
    if (this.#pending.delete(deadline as Entry) && this.#pending.size === 0) {
      Deno.unrefTimer(this.#timer!);
    }
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedAt = at;
    this.#timer = setTimeout(this.#sweep, Math.max(0, at - performance.now()));
  }

  readonly #sweep = (): void => {
    this.#timer = undefined;
    this.#armedAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    const due: Entry[] = [];
    for (const entry of this.#pending) {
      if (entry.at <= now) due.push(entry);
      else if (entry.at < next) next = entry.at;
    }
    for (const entry of due) this.#pending.delete(entry);
    if (next < Infinity) this.#arm(next);
    for (const entry of due) entry.fire();
  };
}

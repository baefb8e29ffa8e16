/**
 * The page's fixed-rate streaming loop, shared by the fleet view and the
 * single-meter view: start, stop, toggle and dispose, and the schedule. A
 * tick every `intervalMs()` (late ticks are not made up, so the page never
 * builds a backlog); a slow response does not stall the stream: up to
 * `maxInFlight` ticks overlap and a tick that finds them all open is
 * skipped; after a failed tick the loop waits `retryMs` before the next.
 * Every start bumps a run number, so a loop stopped and quickly restarted
 * never resumes beside the new one.
 */

/** What the loop tells its view. */
export interface LoopView {
  streaming(on: boolean): void;
  status(text: string): void;
}

/** The loop's schedule and clock (tests pass a fake clock). */
export interface LoopOptions {
  view: LoopView;
  /** Milliseconds between ticks, read before each wait (settings may change while streaming). */
  intervalMs: () => number;
  maxInFlight: number;
  retryMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A streaming loop; subclasses say what a tick does. */
export abstract class StreamLoop {
  readonly #options: LoopOptions;
  /** The clock ticks are measured with. */
  protected readonly now: () => number;
  /** Waits `ms` (a fake in tests). */
  protected readonly sleep: (ms: number) => Promise<void>;
  #streaming = false;
  #run = 0;

  /** A stopped loop on `options`' schedule. */
  constructor(options: LoopOptions) {
    this.#options = options;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** One tick's work; resolves false when it failed (the loop then pauses `retryMs`). */
  protected abstract tick(): Promise<boolean>;

  /** Whether a tick may start now besides the in-flight bound (default: yes). */
  protected ready(): boolean {
    return true;
  }

  /** Whether the loop is running. */
  get streaming(): boolean {
    return this.#streaming;
  }

  /** Start or stop streaming. */
  toggle(): void {
    if (this.#streaming) this.stop();
    else void this.start();
  }

  /** Start the loop (no-op when running); resolves when it stops. */
  start(): Promise<void> {
    if (this.#streaming) return Promise.resolve();
    this.#streaming = true;
    this.#options.view.streaming(true);
    this.#options.view.status("Streaming started.");
    return this.#loop(++this.#run);
  }

  /** Stop the loop after the current tick; requests in flight still report. */
  stop(): void {
    if (!this.#streaming) return;
    this.#streaming = false;
    this.#options.view.streaming(false);
    this.#options.view.status("Streaming stopped.");
  }

  /** Stop without a status line (the island unmounts). */
  dispose(): void {
    this.#streaming = false;
  }

  async #loop(run: number): Promise<void> {
    const { maxInFlight, retryMs } = this.#options;
    let next = this.now();
    let inFlight = 0;
    let failedAt = -Infinity;
    while (this.#streaming && this.#run === run) {
      if (inFlight < maxInFlight && this.ready() && this.now() - failedAt >= retryMs) {
        inFlight++;
        this.tick().then((ok) => {
          inFlight--;
          if (!ok) failedAt = this.now();
        });
      }
      next += this.#options.intervalMs();
      const now = this.now();
      if (next < now) next = now;
      await this.sleep(next - now);
    }
  }
}

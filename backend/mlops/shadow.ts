/**
 * Shadow scoring: the challenger scores a share of live requests after the
 * champion has answered, off the response path. Requests are queued and
 * scored in slices of a few readings in macrotasks of at most
 * {@link SHADOW_TICK_MS} (`setTimeout(0)`), and only while no request is being
 * handled (up to a bounded wait), so a response is never held back by shadow
 * work and a request arriving meanwhile waits half a millisecond at most;
 * only the anomaly flag is computed (no reasons). The queue is bounded in readings, and
 * requests that do not fit are dropped and counted rather than letting
 * shadow work grow memory or latency under load.
 */
import { type Detector, Model, type Prediction, type Reading, toMatrix } from "../detector/mod.ts";

/** Readings scored at a time: about 25 µs with the workshop model (200 trees). */
export const SHADOW_SLICE = 16;

/** Most event-loop time one round of shadow work takes before yielding to requests. */
export const SHADOW_TICK_MS = 0.5;

/**
 * The challenger's anomaly flags for `readings`, without building reasons; `context` (earlier
 * readings of the same meters) fills a temporal challenger's windows as it did the champion's.
 */
export function anomalyFlags(
  detector: Detector,
  readings: readonly Reading[],
  context: readonly Reading[] = [],
): boolean[] {
  if (!(detector instanceof Model)) {
    const options = context.length > 0 ? { context } : {};
    return detector.predict(readings, options).map((p) => p.anomaly);
  }
  const nf = detector.features.length;
  const matrix = toMatrix(readings, detector.features);
  const scores = detector.scoreMatrix(matrix);
  const flags = new Array<boolean>(readings.length);
  for (let r = 0; r < flags.length; r++) {
    // The model's own rules, as its predict() applies them.
    flags[r] = scores[r] >= detector.threshold || detector.flaggedByRule(matrix, r * nf);
  }
  return flags;
}

/** What one shadowed request gave. */
export interface ShadowResult {
  /** `model_version` of the challenger that scored it. */
  version: string;
  /** `model_version` of the champion whose answer it was compared with. */
  champion: string;
  readings: number;
  /** Readings where challenger and champion agree on `anomaly`. */
  agree: number;
  /** Readings the challenger flags. */
  anomalies: number;
  /** Challenger scoring time. */
  seconds: number;
}

/** Options for {@link ShadowScorer}. */
export interface ShadowOptions {
  /** Share of requests shadowed, 0 to 1 (`SHADOW_RATE`). */
  rate: number;
  /** Most readings waiting to be shadowed (`SHADOW_QUEUE`). */
  maxQueuedReadings: number;
  onResult: (result: ShadowResult) => void;
  /** Readings dropped because the queue was full. */
  onDrop: (readings: number) => void;
  /** Called when the challenger throws (a bug); the request is skipped. */
  onError?: (err: unknown) => void;
  /** Random source in [0, 1); default Math.random. */
  random?: () => number;
  /**
   * True while requests are being handled: shadow work then waits (re-checked every
   * millisecond), so a request never queues behind it, unless the oldest queued request
   * has waited {@link ShadowOptions.maxDeferMs}. Default: never busy.
   */
  busy?: () => boolean;
  /** Longest a queued request waits for an idle moment before it is scored anyway. Default 100. */
  maxDeferMs?: number;
}

/**
 * The last `keep` readings of each meter in `rows` (readings without a `meter_id` are one
 * stream), in their order: what a temporal model's windows still need after `rows`.
 */
export function meterTails(rows: readonly Reading[], keep: number): Reading[] {
  const seen = new Map<unknown, number>();
  const out: Reading[] = [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const meter = (rows[i] as { meter_id?: unknown }).meter_id;
    const n = seen.get(meter) ?? 0;
    if (n >= keep) continue;
    seen.set(meter, n + 1);
    out.push(rows[i]);
  }
  return out.reverse();
}

/** Readings a challenger's windows carry from one slice to the next (0: it scores each alone). */
function windowCarry(detector: Detector): number {
  return detector.info.name === "temporal_window" ? detector.info.config.window - 1 : 0;
}

interface Job {
  challenger: Detector;
  /**
   * Earlier readings of the request's meters: the request's `context`, then, slice by slice,
   * the tails of what was scored, so the challenger scores the request as one piece.
   */
  context: readonly Reading[];
  /** Version of the champion that answered. */
  champion: string;
  readings: readonly Reading[];
  answers: readonly Prediction[];
  /** When it was queued (`performance.now()`). */
  queuedAt: number;
  /** Readings scored so far, and what they gave. */
  done: number;
  agree: number;
  anomalies: number;
  seconds: number;
}

/** Scores a challenger in the shadow of the champion. */
export class ShadowScorer {
  readonly #options: ShadowOptions;
  readonly #random: () => number;
  #challenger: Detector | null = null;
  readonly #queue: Job[] = [];
  #queuedReadings = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #idle: (() => void)[] = [];

  /** A scorer without a challenger. */
  constructor(options: ShadowOptions) {
    if (!(options.rate >= 0 && options.rate <= 1)) {
      throw new RangeError(`Shadow rate must be from 0 to 1, got ${options.rate}`);
    }
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  /** The challenger now scored in the shadow, or null. */
  get challenger(): Detector | null {
    return this.#challenger;
  }

  /** Readings waiting to be shadowed. */
  get queuedReadings(): number {
    return this.#queuedReadings;
  }

  /** Set or clear the challenger; queued work for the old one is discarded. */
  setChallenger(challenger: Detector | null): void {
    this.#challenger = challenger;
    this.#queue.length = 0;
    this.#queuedReadings = 0;
  }

  /**
   * Offer a request the champion (version `championVersion`) answered with `answers`: shadowed
   * with probability `rate` if a challenger is set.
   */
  offer(
    readings: readonly Reading[],
    answers: readonly Prediction[],
    championVersion: string,
    context: readonly Reading[] = [],
  ): void {
    const challenger = this.#challenger;
    if (!challenger || readings.length === 0) return;
    if (this.#options.rate < 1 && this.#random() >= this.#options.rate) return;
    if (this.#queuedReadings + readings.length > this.#options.maxQueuedReadings) {
      this.#options.onDrop(readings.length);
      return;
    }
    this.#queue.push({
      queuedAt: performance.now(),
      challenger,
      champion: championVersion,
      context,
      readings,
      answers,
      done: 0,
      agree: 0,
      anomalies: 0,
      seconds: 0,
    });
    this.#queuedReadings += readings.length;
    this.#schedule();
  }

  /** Resolves once the queue is empty (tests and shutdown). */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#timer === null) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(delayMs = 0): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // Requests first: while one is being handled, wait for an idle moment (bounded).
      const head = this.#queue[0];
      const { busy, maxDeferMs = 100 } = this.#options;
      if (head && busy?.() && performance.now() - head.queuedAt < maxDeferMs) {
        this.#schedule(1);
        return;
      }
      // Several slices per macrotask up to a small budget: chained timers are clamped to
      // 4 ms, so one slice per timer would fall behind; the budget bounds what a request
      // arriving meanwhile waits for.
      const start = performance.now();
      do this.#runOne(); while (
        this.#queue.length > 0 && performance.now() - start < SHADOW_TICK_MS
      );
      if (this.#queue.length > 0) this.#schedule();
      else for (const resolve of this.#idle.splice(0)) resolve();
    }, delayMs);
  }

  #runOne(): void {
    const job = this.#queue[0];
    if (!job) return;
    const end = Math.min(job.done + SHADOW_SLICE, job.readings.length);
    const start = performance.now();
    let flags: boolean[];
    try {
      const slice = job.readings.slice(job.done, end);
      flags = anomalyFlags(job.challenger, slice, job.context);
      const carry = windowCarry(job.challenger);
      if (carry > 0 && end < job.readings.length) {
        job.context = meterTails([...job.context, ...slice], carry);
      }
    } catch (err) {
      this.#finish(job);
      this.#options.onError?.(err);
      return;
    }
    job.seconds += (performance.now() - start) / 1000;
    for (let i = 0; i < flags.length; i++) {
      if (flags[i]) job.anomalies++;
      if (flags[i] === job.answers[job.done + i].anomaly) job.agree++;
    }
    job.done = end;
    if (job.done < job.readings.length) return;
    this.#finish(job);
    this.#options.onResult({
      version: job.challenger.info.version,
      champion: job.champion,
      readings: job.readings.length,
      agree: job.agree,
      anomalies: job.anomalies,
      seconds: job.seconds,
    });
  }

  #finish(job: Job): void {
    this.#queue.shift();
    this.#queuedReadings -= job.readings.length;
  }
}

/**
 * Shadow scoring: the challenger scores a share of live requests after the
 * champion has answered, off the response path. Requests are queued and
 * scored one per macrotask (`setTimeout(0)`), so a response is never held
 * back by shadow work and the event loop interleaves the two; the queue is
 * bounded in readings, and requests that do not fit are dropped and counted
 * rather than letting shadow work grow memory or latency under load.
 */
import type { Detector, Prediction, Reading } from "../detector/types.ts";

/** What one shadowed request gave. */
export interface ShadowResult {
  /** `model_version` of the challenger that scored it. */
  version: string;
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
}

interface Job {
  challenger: Detector;
  readings: readonly Reading[];
  champion: readonly Prediction[];
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

  /** Offer a scored request: shadowed with probability `rate` if a challenger is set. */
  offer(readings: readonly Reading[], champion: readonly Prediction[]): void {
    const challenger = this.#challenger;
    if (!challenger || readings.length === 0) return;
    if (this.#options.rate < 1 && this.#random() >= this.#options.rate) return;
    if (this.#queuedReadings + readings.length > this.#options.maxQueuedReadings) {
      this.#options.onDrop(readings.length);
      return;
    }
    this.#queue.push({ challenger, readings, champion });
    this.#queuedReadings += readings.length;
    this.#schedule();
  }

  /** Resolves once the queue is empty (tests and shutdown). */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#timer === null) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#runOne();
      if (this.#queue.length > 0) this.#schedule();
      else for (const resolve of this.#idle.splice(0)) resolve();
    }, 0);
  }

  #runOne(): void {
    const job = this.#queue.shift();
    if (!job) return;
    this.#queuedReadings -= job.readings.length;
    const start = performance.now();
    let predictions: Prediction[];
    try {
      predictions = job.challenger.predict(job.readings);
    } catch (err) {
      this.#options.onError?.(err);
      return;
    }
    const seconds = (performance.now() - start) / 1000;
    let agree = 0;
    let anomalies = 0;
    for (let i = 0; i < predictions.length; i++) {
      if (predictions[i].anomaly) anomalies++;
      if (predictions[i].anomaly === job.champion[i].anomaly) agree++;
    }
    this.#options.onResult({
      version: job.challenger.info.version,
      readings: predictions.length,
      agree,
      anomalies,
      seconds,
    });
  }
}

/**
 * The live inputs the drift tests compare with the training sample: a window
 * defined in readings and in time. It covers the last `maxAgeMs`, split into
 * `slices` equal time slices, each keeping a uniform random sample
 * (reservoir) of at most capacity / slices of the readings that arrived in
 * it. So the window spans the same stretch of time whatever the traffic
 * (a burst of drifted readings stays visible for `maxAgeMs`, not until the
 * next few thousand readings push it out), holds at most `capacity` readings,
 * and forgets data older than `maxAgeMs` (an idle service says "insufficient
 * data" instead of judging by stale readings). Which readings are kept never
 * depends on their values, so under no drift the sample is still a sample of
 * the training distribution and the tests' p-values stay valid. Per reading:
 * one random number and a few array writes; the tests run on {@link sample}.
 * A kept reading's `timestamp` is kept as its time of day (NaN without one),
 * so the tests can compare with training rows of the same hours.
 */
import { assertInRange } from "../../lib/ranges.ts";
import { createRng, type Rng } from "../../lib/simulator/rng.ts";
import { parseTimestamp } from "../../lib/timestamp.ts";
import { timeOfDaySeconds } from "../detector/mod.ts";

/** Options for {@link DriftWindow}. */
export interface DriftWindowOptions {
  /** Most readings in the window (`DRIFT_WINDOW`). */
  capacity: number;
  /** Oldest reading kept, in milliseconds (`DRIFT_WINDOW_S`). */
  maxAgeMs: number;
  /** Time slices of the window, each with its own reservoir. Default 10. */
  slices?: number;
  /** Seed of the reservoir's choices. Default random. */
  seed?: number;
  /** The clock (epoch milliseconds). Default `Date.now`. */
  now?: () => number;
}

interface Slice {
  /** Which slice of time (now / sliceMs, floored) it holds; -1 when empty. */
  epoch: number;
  /** Readings that arrived in the slice (the reservoir keeps at most `perSlice`). */
  seen: number;
  /** Readings kept. */
  kept: number;
  /** Row-major values, one column per feature. */
  values: Float64Array;
  /** Seconds since midnight UTC of each kept reading; NaN when it had no timestamp. */
  timeOfDay: Float64Array;
}

/** Live readings sampled over the last `maxAgeMs`, at most `capacity` of them. */
export class DriftWindow {
  /** Feature names in column order. */
  readonly features: readonly string[];
  readonly #slices: Slice[];
  readonly #sliceMs: number;
  readonly #perSlice: number;
  readonly #now: () => number;
  readonly #rng: Rng;

  /** An empty window over `features`. */
  constructor(features: readonly string[], options: DriftWindowOptions) {
    const slices = options.slices ?? 10;
    assertInRange({ name: "Window capacity", min: slices, integer: true }, options.capacity);
    assertInRange({ name: "Window age", min: 1 }, options.maxAgeMs);
    this.features = [...features];
    this.#sliceMs = options.maxAgeMs / slices;
    this.#perSlice = Math.floor(options.capacity / slices);
    this.#now = options.now ?? Date.now;
    this.#rng = createRng(options.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]);
    this.#slices = Array.from({ length: slices }, () => ({
      epoch: -1,
      seen: 0,
      kept: 0,
      values: new Float64Array(this.#perSlice * features.length),
      timeOfDay: new Float64Array(this.#perSlice),
    }));
  }

  /** Most readings the window holds. */
  get capacity(): number {
    return this.#perSlice * this.#slices.length;
  }

  /** Readings in the window now (older slices no longer count). */
  get size(): number {
    const live = this.#liveFrom();
    let n = 0;
    for (const s of this.#slices) if (s.epoch >= live) n += s.kept;
    return n;
  }

  /** Add readings (objects with a finite number per feature) that arrived now. */
  observe(readings: readonly object[]): void {
    const epoch = Math.floor(this.#now() / this.#sliceMs);
    const slice = this.#slices[epoch % this.#slices.length];
    if (slice.epoch !== epoch) {
      slice.epoch = epoch;
      slice.seen = 0;
      slice.kept = 0;
    }
    const features = this.features;
    const nf = features.length;
    const cap = this.#perSlice;
    for (const reading of readings) {
      slice.seen++;
      let at: number;
      if (slice.kept < cap) at = slice.kept++;
      else {
        // Reservoir sampling (Algorithm R): each reading of the slice is kept with equal chance.
        at = Math.floor(this.#rng() * slice.seen);
        if (at >= cap) continue;
      }
      for (let f = 0; f < nf; f++) {
        slice.values[at * nf + f] = (reading as Record<string, number>)[features[f]];
      }
      const stamp = (reading as { timestamp?: unknown }).timestamp;
      const t = typeof stamp === "string" ? parseTimestamp(stamp) : NaN;
      slice.timeOfDay[at] = Number.isFinite(t) ? timeOfDaySeconds(t) : NaN;
    }
  }

  /** A copy of the readings in the window: row-major, one column per feature. */
  sample(): Float64Array {
    const live = this.#liveFrom();
    const nf = this.features.length;
    const out = new Float64Array(this.size * nf);
    let at = 0;
    for (const s of this.#slices) {
      if (s.epoch < live) continue;
      out.set(s.values.subarray(0, s.kept * nf), at);
      at += s.kept * nf;
    }
    return out;
  }

  /** The times of day of the rows of {@link sample}, in the same order (NaN: no timestamp). */
  timesOfDay(): Float64Array {
    const live = this.#liveFrom();
    const out = new Float64Array(this.size);
    let at = 0;
    for (const s of this.#slices) {
      if (s.epoch < live) continue;
      out.set(s.timeOfDay.subarray(0, s.kept), at);
      at += s.kept;
    }
    return out;
  }

  /** Empty the window. */
  clear(): void {
    for (const s of this.#slices) s.epoch = -1;
  }

  /** The oldest epoch still in the window. */
  #liveFrom(): number {
    return Math.floor(this.#now() / this.#sliceMs) - this.#slices.length + 1;
  }
}

/**
 * Window statistics of one meter's recent readings, the inputs of the
 * temporal detector. For a row and its meter's preceding rows (up to a
 * window), per channel: the row's own value, the window mean (a sustained
 * shift or drift), the log standard deviation (near -7 when a sensor is
 * stuck, high when it oscillates) and the log mean step between consecutive
 * readings (flicker), and a slot for the mean's residual against the other
 * channels, which the model fills (`coupling.ts`). Values are expected standardized (about mean 0, sd 1),
 * so the floor under the logs is a resolution, not a unit. Pure TypeScript.
 */

/** The statistics per channel, in storage order. */
export const WINDOW_STATS = [
  "value",
  "mean",
  "log_sd",
  "log_step",
  "mean_square",
  "residual_mean",
] as const;

/** Number of {@link WINDOW_STATS}. */
export const STATS_PER_CHANNEL = WINDOW_STATS.length;

/**
 * Added under the logs: a stuck sensor's zero spread becomes log(1e-3) ≈ -6.9
 * instead of -Infinity (standardized units; a sensor's resolution is about this size).
 */
export const SPREAD_FLOOR = 1e-3;

/**
 * Window statistics see values clipped to ±3 (standardized), so one spike (a
 * 0 V interruption is -65) does not dominate the next `window - 1` readings'
 * statistics; the reading's own `value` stays unclipped and flags the spike itself.
 */
export const CLIP = 3;

/** Called with the window length `n` and the statistics of the latest `n` rows. */
export type WindowVisitor = (n: number, stats: Float64Array) => void;

/** Reusable buffers for {@link windowStats}, sized for a channel count. */
export class WindowScratch {
  /** Statistics of the last window computed, `channel * STATS_PER_CHANNEL + stat`. */
  readonly stats: Float64Array;
  /** Statistics of the recent part of that window (see `recent` of {@link windowStats}). */
  readonly recent: Float64Array;
  /** Statistics of the window's latest `half` rows (see `half` of {@link windowStats}). */
  readonly half: Float64Array;
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly steps: Float64Array;
  readonly later: Float64Array;

  /** Buffers for `channels` channels. */
  constructor(channels: number) {
    this.stats = new Float64Array(channels * STATS_PER_CHANNEL);
    this.recent = new Float64Array(channels * STATS_PER_CHANNEL);
    this.half = new Float64Array(channels * STATS_PER_CHANNEL);
    this.sum = new Float64Array(channels);
    this.sumSq = new Float64Array(channels);
    this.steps = new Float64Array(channels);
    this.later = new Float64Array(channels);
  }
}

function fill(scratch: WindowScratch, nf: number, n: number, stats = scratch.stats): void {
  const { sum, sumSq, steps } = scratch;
  for (let c = 0; c < nf; c++) {
    stats[c * STATS_PER_CHANNEL] = scratch.stats[c * STATS_PER_CHANNEL];
    const mean = sum[c] / n;
    const variance = Math.max(0, sumSq[c] / n - mean * mean);
    const o = c * STATS_PER_CHANNEL;
    stats[o + 1] = mean;
    stats[o + 2] = Math.log(Math.sqrt(variance) + SPREAD_FLOOR);
    stats[o + 3] = n > 1 ? Math.log(steps[c] / (n - 1) + SPREAD_FLOOR) : 0;
    stats[o + 4] = sumSq[c] / n;
    // The mean until the model expresses it against the other channels (coupling.ts).
    stats[o + 5] = mean;
    // The model replaces this by the mean's residual against the other channels (temporal.ts).
    stats[o + 5] = mean;
  }
}

/**
 * Statistics of the window ending at `row`: the row and up to `window - 1`
 * earlier rows of its stream (`prev` from `previousInStream`), over the
 * row-major matrix `u` with `nf` channels. Leaves them in `scratch.stats` and
 * returns the window length. With `visit`, also reports the statistics of
 * every shorter window ending at `row` (n = 1, 2, ...), for calibration.
 * With `recent` (a length), also leaves the statistics of the latest
 * `recent` rows in `scratch.recent` when the window reaches that length, and
 * with `half` those of the latest `half` rows in `scratch.half`.
 */
export function windowStats(
  u: Float64Array,
  nf: number,
  prev: Int32Array,
  row: number,
  window: number,
  scratch: WindowScratch,
  visit?: WindowVisitor,
  recent = 0,
  half = 0,
): number {
  const { stats, sum, sumSq, steps, later } = scratch;
  sum.fill(0);
  sumSq.fill(0);
  steps.fill(0);
  for (let c = 0; c < nf; c++) stats[c * STATS_PER_CHANNEL] = u[row * nf + c];
  let n = 0;
  for (let r = row; r !== -1 && n < window; r = prev[r]) {
    for (let c = 0; c < nf; c++) {
      const raw = u[r * nf + c];
      const v = raw > CLIP ? CLIP : raw < -CLIP ? -CLIP : raw;
      sum[c] += v;
      sumSq[c] += v * v;
      if (n > 0) steps[c] += Math.abs(later[c] - v);
      later[c] = v;
    }
    n++;
    if (visit) {
      fill(scratch, nf, n);
      visit(n, stats);
    } else {
      if (n === recent) fill(scratch, nf, n, scratch.recent);
      if (n === half) fill(scratch, nf, n, scratch.half);
    }
  }
  if (!visit) fill(scratch, nf, n);
  return n;
}

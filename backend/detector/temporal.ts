/**
 * The temporal detector: per-meter window statistics, standardized against
 * what normal operation looks like, combined into one score.
 *
 * Training fits, from normal readings: a baseline (mean, sd) per meter and
 * channel, so each meter is judged against its own operating point (meters
 * without enough training rows, and unknown meters, use the pooled
 * baseline), with its daily cycle when the training rows' times cover the
 * day (`diurnal.ts`), and how its channels move together (`coupling.ts`);
 * then, for every window length n = 1..window, the centre and
 * spread of each window statistic (see `window_stats.ts`) and the 0.99
 * quantile of the largest |z| among them. A reading's score is that largest
 * |z| divided by the quantile for its window length, so a reading at the
 * start of a stream (a short window) is not more likely to alarm than one
 * with a full window. The threshold is the (1 - contamination) quantile of
 * training scores. No state survives a call: the window is made of the rows
 * passed in (readings plus optional earlier context), so every replica gives
 * the same answer. Pure TypeScript.
 */
import { quantile } from "./evaluation.ts";
import { toMatrix } from "./model.ts";
import { explain, hasSensorFault } from "./reasons.ts";
import { defaultGridMap, type GridMap, quantitiesOf } from "./grid.ts";
import { previousInStream } from "./streams.ts";
import { temporalReason } from "./temporal_reasons.ts";
import type { Prediction, PredictOptions, Reading, TemporalConfig, TemporalInfo } from "./types.ts";

export type { TemporalConfig, TemporalInfo };
import {
  TEMPORAL_FORMAT_VERSION,
  TEMPORAL_OLDER_VERSIONS,
  temporalContentHash,
} from "./_temporal_canonical.ts";
import { detectorInfo } from "./_info.ts";
import { orList } from "./_artifact_fields.ts";
import { modelSetting } from "./model_config.ts";
import { assertInRange, type Range } from "../../lib/ranges.ts";
import { SPREAD_FLOOR, STATS_PER_CHANNEL, WindowScratch, windowStats } from "./window_stats.ts";
import { fitCoupling, residualMeans } from "./coupling.ts";
import { dayPhase, DIURNAL_TERMS, fitDiurnal } from "./diurnal.ts";
import { parseTimestamp } from "../../lib/timestamp.ts";

/**
 * The defaults: 16 readings (scored at 16 and at its latest 8, format 7) and
 * 1.25 % flagged in training, chosen on the fleet benchmark's development
 * fleet (see docs/DETECTOR.md, "Fleet benchmark"): F1 0.869 there (format 6
 * at its best, window 8 and 1.5 %: 0.858); 1 % reached 0.870 but found 0.97
 * of the oscillations against 0.99, the kind nearest the 0.95 bar. Windows
 * of 12 and 20 scored 0.868 and 0.867.
 */
export const DEFAULT_TEMPORAL_CONFIG: Readonly<TemporalConfig> = Object.freeze({
  window: 16,
  contamination: 0.0125,
});

/** Allowed window lengths (readings), read by validation and the CLI. */
export const WINDOW_RANGE = Object.freeze({ min: 2, max: 256, integer: true }) satisfies Range;

/** Quantile of the largest |z| that each window length is normalized by. */
export const REFERENCE_QUANTILE = 0.99;

/**
 * Relative weight of the tie-breaker in a score. The largest |z| is often the
 * same in thousands of rows (a window statistic clipped at its limit, or a
 * two-state channel stuck in one state), so a threshold could only move in
 * large steps. A score is therefore the largest |z| (normalized) times
 * (1 + TIE_BREAK * m), where m, the mean of |z| / (1 + |z|) over all
 * statistics, is in [0, 1) and keeps varying with the other statistics where
 * the largest one is stuck; no score moves by more than a millionth of itself.
 */
export const TIE_BREAK = 1e-6;

/**
 * Largest magnitude of a training value: baselines sum squares, which stay
 * finite up to about 1e300 (a larger value once gave a NaN threshold).
 */
export const MAX_TRAINING_MAGNITUDE = 1e150;

/** Largest |z| a statistic counts with (an overflow's Infinity or NaN counts as this). */
const MAX_Z = 1e300;

/** Training rows a meter needs for a baseline of its own (else: the pooled baseline). */
export const MIN_METER_ROWS = 50;

/** Everything a trained temporal model consists of (JSON-safe). */
export interface TemporalParts {
  /** Input columns in order (what a reading must carry). */
  features: readonly string[];
  config: TemporalConfig;
  /** Normalized scores at or above this are anomalies. */
  threshold: number;
  /** Which features are grid quantities (grid rules read only those). */
  grid: GridMap;
  /**
   * Meters with their own baseline, and that baseline (`meter * nf + channel`):
   * mean, sd, and the reading-to-reading noise (see {@link localNoise}); and
   * the channels' coupling (`coupling.ts`), nf × nf per meter.
   */
  meters: { ids: string[]; mean: number[]; sd: number[]; noise: number[]; coupling: number[] };
  /** Baseline over all training rows, for meters without their own. */
  pooled: { mean: number[]; sd: number[]; noise: number[]; coupling: number[] };
  /**
   * Per window length n (1-based) and statistic `j = channel * STATS_PER_CHANNEL + stat`,
   * at `(n - 1) * nf * STATS_PER_CHANNEL + j`: centre and scale; `limit[n - 1]` normalizes the score.
   */
  calibration: { center: number[]; scale: number[]; limit: number[] };
  /**
   * Each baseline's daily cycle (`diurnal.ts`), subtracted before standardizing: per meter at
   * `(meter * nf + channel) * 2` and pooled at `channel * 2`, the cosine and sine coefficients
   * (zeros for a baseline whose rows did not cover the day). Absent when training had no times
   * covering every hour of the day, and in formats before 6.
   */
  diurnal?: { meters: number[]; pooled: number[] };
  /** Facts about training (JSON-safe). */
  training: Record<string, unknown>;
  /**
   * The artifact format whose scoring rules the calibration was measured with,
   * when older than the current one (a loaded format 3 or 4 artifact); absent: current.
   */
  formatVersion?: number;
}

/** Which statistic decided a score, for explanations. */
export interface Finding {
  /** Channel index into the features. */
  channel: number;
  /** Index into `WINDOW_STATS` (window_stats.ts). */
  stat: number;
  /** The statistic's z against normal operation at this window length. */
  z: number;
  /** Window length the statistic was computed over. */
  n: number;
  /** Baseline index into `meters.ids`, or -1 for the pooled baseline. */
  baseline: number;
}

/** Options for {@link TemporalModel}. */
export interface TemporalModelOptions {
  /** Where the model came from. Default "constructed in memory". */
  source?: string;
  /** The artifact file it was read from when that is a registry version. */
  artifact?: string;
  /** When it was trained or written (ISO-8601). */
  createdAt?: string;
  /** Rated current in amperes for `current_high` grid reasons. Default 16 A. */
  ratedCurrent?: number;
  /** Why the served model is not the configured one, shown in `info.warning`. */
  warning?: string;
}

/** Options for {@link fitTemporal}. */
export interface FitTemporalOptions {
  /** Meter key per training row, or null for one stream. */
  meters: readonly (string | undefined)[] | null;
  /** Describes the data in the training summary. */
  description?: Record<string, unknown>;
  /** Which features are grid quantities. Default: those named `voltage`, `current`, `frequency`. */
  grid?: GridMap;
  /**
   * Fit by an older artifact format's rules (5: no daily cycle; 4: also
   * {@link tailQuantile}; 3: also {@link agreementWeight}), to compare with it
   * on a benchmark; the artifact is written in that format. Default: current.
   */
  formatVersion?: number;
  /**
   * Time of each training row (epoch ms; NaN when unknown). When a baseline's
   * times cover every hour of the day, its daily cycle is fitted (`diurnal.ts`).
   */
  times?: ArrayLike<number> | null;
}

/** Options for {@link TemporalModel.scoreRows}. */
export interface ScoreRowsOptions {
  /** Rows before this index are context only (no score). Default 0. */
  from?: number;
  /** Filled with what decided each score. */
  findings?: Finding[];
  /** Time of each row (epoch ms; NaN when unknown), for the daily cycle. Default: none. */
  times?: ArrayLike<number> | null;
}

const MIN_SCALE = 1e-6;
/**
 * The quantile (and its mirror) at which training reads each statistic's
 * tails, and how many sd from the centre it lies for a normal distribution.
 * Format 5 reads the 0.1 % tails, where the threshold acts (a score at the
 * default 2 % contamination is a max over 18 statistics, each near its own
 * 0.1 % tail). Formats 3 and 4 read the 0.5 % shoulder, which widened the
 * voltage spread statistics by the noise bursts' share and blunted them for
 * weak oscillations. Measured on the fleet benchmark's development fleet and
 * four validation fleets (seeds s / s + 1000 / s + 2000, s = 101, 202, 303,
 * 404), never on the held-out ones: F1 rose by 0 to 0.003 on each and false
 * alarms inside noise bursts fell (docs/DETECTOR.md, "Fleet benchmark").
 */
export function tailQuantile(formatVersion: number): { p: number; z: number } {
  return formatVersion >= 5 ? { p: 0.001, z: 3.090 } : { p: 0.005, z: 2.576 };
}
// Calibration keeps at most this many (row, window length) samples in memory.
const MAX_CALIBRATION_SAMPLES = 400_000;

/** Check a temporal config; throws RangeError naming the bad field and value. */
export function validateTemporalConfig(config: TemporalConfig): TemporalConfig {
  const { window, contamination } = config;
  assertInRange({ ...WINDOW_RANGE, name: "Window" }, window);
  // The point detector's contamination range: the same setting, one definition.
  assertInRange({ ...modelSetting("contamination"), name: "Contamination" }, contamination);
  return config;
}

function sdFloor(mean: number): number {
  // A channel constant in training still gets a finite, tiny scale: any change then stands out.
  return 1e-9 * (1 + Math.abs(mean));
}

/**
 * A channel's reading-to-reading noise: the root mean square of consecutive
 * differences over √2 (the sd of white noise; slow changes such as the
 * diurnal load barely add to it). Floored like an sd.
 */
function localNoise(matrix: Float64Array, nf: number, rows: readonly number[], c: number): number {
  let sum = 0;
  for (let k = 1; k < rows.length; k++) {
    sum += (matrix[rows[k] * nf + c] - matrix[rows[k - 1] * nf + c]) ** 2;
  }
  return rows.length < 2 ? 0 : Math.sqrt(sum / (2 * (rows.length - 1)));
}

function baselines(matrix: Float64Array, nf: number, keys: readonly (string | undefined)[] | null) {
  const rows = matrix.length / nf;
  const pooledMean = new Array<number>(nf).fill(0);
  const pooledSd = new Array<number>(nf).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < nf; c++) pooledMean[c] += matrix[r * nf + c];
  for (let c = 0; c < nf; c++) pooledMean[c] /= rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < nf; c++) pooledSd[c] += (matrix[r * nf + c] - pooledMean[c]) ** 2;
  }
  for (let c = 0; c < nf; c++) {
    pooledSd[c] = Math.max(Math.sqrt(pooledSd[c] / rows), sdFloor(pooledMean[c]));
  }
  const ids: string[] = [];
  const mean: number[] = [];
  const sd: number[] = [];
  const noise: number[] = [];
  const byMeter = new Map<string, number[]>();
  if (keys === null) byMeter.set("", Array.from({ length: rows }, (_, r) => r));
  else {
    keys.forEach((key, r) => {
      const k = key ?? "";
      const list = byMeter.get(k);
      if (list) list.push(r);
      else byMeter.set(k, [r]);
    });
  }
  // Pooled noise: over every stream's consecutive rows, in the pooled sd's terms.
  const pooledNoise = new Array<number>(nf).fill(0);
  for (let c = 0; c < nf; c++) {
    let sum = 0;
    let pairs = 0;
    for (const list of byMeter.values()) {
      const n = localNoise(matrix, nf, list, c);
      sum += 2 * n * n * Math.max(0, list.length - 1);
      pairs += Math.max(0, list.length - 1);
    }
    pooledNoise[c] = pairs === 0 ? pooledSd[c] : Math.sqrt(sum / (2 * pairs));
  }
  if (keys !== null) {
    for (const id of [...byMeter.keys()].sort()) {
      const list = byMeter.get(id)!;
      if (list.length < MIN_METER_ROWS || byMeter.size === 1) continue;
      ids.push(id);
      for (let c = 0; c < nf; c++) {
        let m = 0;
        for (const r of list) m += matrix[r * nf + c];
        m /= list.length;
        let v = 0;
        for (const r of list) v += (matrix[r * nf + c] - m) ** 2;
        mean.push(m);
        sd.push(Math.max(Math.sqrt(v / list.length), sdFloor(m)));
        noise.push(localNoise(matrix, nf, list, c));
      }
    }
  }
  return {
    meters: { ids, mean, sd, noise, coupling: new Array<number>(ids.length * nf * nf).fill(0) },
    pooled: {
      mean: pooledMean,
      sd: pooledSd,
      noise: pooledNoise,
      coupling: new Array<number>(nf * nf).fill(0),
    },
    byMeter,
  };
}

/**
 * Length of a window's recent part whose statistics must agree with the
 * whole window's. Formats before 7: half the window, or 0 (none) for windows
 * under 6, whose halves are too short for a spread (with a window of 4,
 * agreement with 2 readings lost a third of the stuck sensors on the simple
 * fleet). From format 7: a quarter of the window, at least 3 (none under 6),
 * for both of its scales ({@link halfScale}): a fault's last readings end the
 * long window's alarm within a few readings instead of half a window.
 */
export function recentLength(window: number, formatVersion = TEMPORAL_FORMAT_VERSION): number {
  if (formatVersion >= 7) return window >= 6 ? Math.max(3, Math.floor(window / 4)) : 0;
  const h = Math.floor(window / 2);
  return h >= 3 ? h : 0;
}

/**
 * The second, shorter scale a window is also scored at, from format 7: its
 * latest half (0: none, formats before 7). The long scale's mean sees a slow
 * drift or a weak flicker earlier; the short one a brief fault before the
 * long one averages it away. A reading's score is the larger of the two.
 */
export function halfScale(window: number, formatVersion = TEMPORAL_FORMAT_VERSION): number {
  return formatVersion >= 7 && window >= 4 ? Math.floor(window / 2) : 0;
}

/**
 * How far the recent part's z lets the z of a window of `n` readings count:
 * up to `weight` times the recent part's. A fault that persists through the
 * window shows in both, but the recent part has fewer readings, so its z is
 * about √(recent / n) of the whole window's (a mean's noise grows as its
 * readings shrink): from format 7 the weight is √(n / recent), which keeps
 * the whole window's sensitivity while a fault lasts and still ends the
 * alarm when the recent readings are normal again. Formats 4 to 6 used √2
 * (their recent part was half the window); format 3 took the smaller of the
 * two z (weight 1), which judged a small persistent shift by 4 readings
 * instead of 8; older artifacts keep their rule, their calibration was
 * measured with it.
 */
export function agreementWeight(formatVersion: number, n = 2, recent = 1): number {
  if (formatVersion >= 7) return Math.sqrt(n / recent);
  return formatVersion >= 4 ? Math.SQRT2 : 1;
}

/**
 * The z of every statistic of a window of `n` readings: against the
 * calibration at its length, and (for windows longer than the recent part)
 * only as far as the recent part's z agrees: at most `weight` times the
 * recent part's z ({@link agreementWeight}), or 0 when they point different
 * ways. A fault shows in both at once; once it is over, the recent readings
 * are normal again while the whole window still holds the fault, so the
 * alarm ends with the fault instead of a window later. The reading's own
 * value is taken as it is.
 */
function windowZ(
  out: Float64Array,
  w: { stats: ArrayLike<number>; recent: ArrayLike<number>; n: number; recentN: number },
  c: { center: ArrayLike<number>; inverse: ArrayLike<number>; per: number; weight: number },
): void {
  const base = (w.n - 1) * c.per;
  const both = w.recentN > 0 && w.n > w.recentN;
  const rb = (w.recentN - 1) * c.per;
  for (let j = 0; j < c.per; j++) {
    const z = (w.stats[j] - c.center[base + j]) * c.inverse[base + j];
    if (!both || j % STATS_PER_CHANNEL === 0) {
      out[j] = z;
      continue;
    }
    const zr = c.weight * (w.recent[j] - c.center[rb + j]) * c.inverse[rb + j];
    out[j] = (z > 0) !== (zr > 0) ? 0 : Math.abs(z) < Math.abs(zr) ? z : zr;
  }
}

/**
 * Each reading's `timestamp` as epoch ms (NaN when absent or refused). A fleet's
 * readings share instants, so a timestamp equal to the previous row's is not read again.
 */
function readTimes(rows: readonly Reading[]): Float64Array {
  const out = new Float64Array(rows.length);
  let last: unknown = undefined;
  let at = NaN;
  for (let r = 0; r < rows.length; r++) {
    const t = (rows[r] as { timestamp?: unknown }).timestamp;
    if (t !== last) {
      last = t;
      at = typeof t === "string" ? parseTimestamp(t) : NaN;
    }
    out[r] = at;
  }
  return out;
}

/**
 * The largest |z| of a window of `n` readings (with one reading only its
 * values count) and where it is, and the tie-breaker: the mean of |z| / (1 + |z|).
 * An extreme input (1e308 on a channel constant in training) overflows to
 * Infinity, or to NaN past it: either counts as {@link MAX_Z}, never as a
 * reason to pass.
 */
function strongest(
  zs: Float64Array,
  per: number,
  n: number,
  out: { z: number; j: number; tie: number },
): void {
  let best = 0;
  let bestJ = 0;
  let sum = 0;
  let count = 0;
  for (let j = 0; j < per; j++) {
    if (n === 1 && j % STATS_PER_CHANNEL !== 0) continue;
    const abs = Math.abs(zs[j]);
    const z = abs <= MAX_Z ? abs : MAX_Z;
    sum += z / (1 + z);
    count++;
    if (z > best) {
      best = z;
      bestJ = j;
    }
  }
  out.z = best;
  out.j = bestJ;
  out.tie = sum / count;
}

/** A trained temporal detector. Build one with {@link fitTemporal} or from its artifact. */
export class TemporalModel {
  /** The model's data, exactly what its artifact stores. */
  readonly parts: Readonly<TemporalParts>;
  readonly #index: Map<string, number>;
  readonly #nf: number;
  readonly #window: number;
  readonly #center: Float64Array;
  /** 1 / the calibration scale (multiplying is cheaper than dividing, per statistic and row). */
  readonly #inverse: Float64Array;
  readonly #limit: Float64Array;
  /** Per baseline (pooled first) and channel: log of its noise in standardized units. */
  readonly #spread: Float64Array;
  /** Per baseline, channel and window length: 1 / the window mean's expected spread. */
  readonly #meanScale: Float64Array;
  /** Per baseline (pooled first): the channels' coupling, nf × nf. */
  readonly #coupling: Float64Array;
  /** Per window length n, how far the recent part's z lets the window's z count ({@link agreementWeight}). */
  readonly #weights: Float64Array;
  /** Length of the recent part ({@link recentLength}). */
  readonly #recent: number;
  /** The shorter scale every full window is also scored at, or 0 ({@link halfScale}). */
  readonly #half: number;
  /** Per baseline (pooled first) and channel: the daily cycle's coefficients, or null. */
  readonly #diurnal: Float64Array | null;

  /** Full content hash, `sha256:` and 64 hex digits. */
  readonly contentHash: string;
  /** Per feature, its grid quantity or "" (what the grid rules read). */
  readonly quantities: readonly string[];
  /** Metadata for `GET /model`. */
  readonly info: TemporalInfo;

  /** Wrap trained parts; throws RangeError when their sizes disagree. */
  constructor(parts: TemporalParts, options: TemporalModelOptions = {}) {
    const nf = parts.features.length;
    const w = parts.config.window;
    const per = nf * STATS_PER_CHANNEL;
    const { center, scale, limit } = parts.calibration;
    if (
      center.length !== w * per || scale.length !== w * per || limit.length !== w ||
      parts.meters.mean.length !== parts.meters.ids.length * nf ||
      parts.meters.sd.length !== parts.meters.ids.length * nf ||
      parts.meters.noise.length !== parts.meters.ids.length * nf ||
      parts.pooled.mean.length !== nf || parts.pooled.sd.length !== nf ||
      parts.pooled.noise.length !== nf ||
      parts.meters.coupling.length !== parts.meters.ids.length * nf * nf ||
      parts.pooled.coupling.length !== nf * nf ||
      (parts.diurnal !== undefined &&
        (parts.diurnal.meters.length !== parts.meters.ids.length * nf * DIURNAL_TERMS ||
          parts.diurnal.pooled.length !== nf * DIURNAL_TERMS))
    ) {
      throw new RangeError(
        `Temporal model parts do not fit ${nf} features and a window of ${w}`,
      );
    }
    this.parts = parts;
    this.#nf = nf;
    this.#window = w;
    this.#index = new Map(parts.meters.ids.map((id, i) => [id, i]));
    this.#center = Float64Array.from(center);
    this.#inverse = Float64Array.from(scale, (v) => 1 / v);
    this.#limit = Float64Array.from(limit);
    const format = parts.formatVersion ?? TEMPORAL_FORMAT_VERSION;
    this.#recent = recentLength(w, format);
    this.#half = halfScale(w, format);
    this.#weights = Float64Array.from(
      { length: w },
      (_, i) => agreementWeight(format, i + 1, this.#recent),
    );
    this.#coupling = Float64Array.from([...parts.pooled.coupling, ...parts.meters.coupling]);
    this.#diurnal = parts.diurnal
      ? Float64Array.from([...parts.diurnal.pooled, ...parts.diurnal.meters])
      : null;
    this.#spread = new Float64Array((parts.meters.ids.length + 1) * nf);
    this.#meanScale = new Float64Array((parts.meters.ids.length + 1) * nf * w);
    for (let b = -1; b < parts.meters.ids.length; b++) {
      for (let c = 0; c < nf; c++) {
        const { sd, noise } = b === -1
          ? { sd: parts.pooled.sd[c], noise: parts.pooled.noise[c] }
          : { sd: parts.meters.sd[b * nf + c], noise: parts.meters.noise[b * nf + c] };
        const off = Math.log(Math.max(noise / sd, SPREAD_FLOOR));
        this.#spread[(b + 1) * nf + c] = off;
        // The window mean's own spread: the slow part of the variance stays, the noise part
        // shrinks with n. Dividing by it gives every meter's window mean about unit spread.
        const white = Math.min(Math.exp(2 * off), 1);
        for (let n = 1; n <= w; n++) {
          this.#meanScale[((b + 1) * nf + c) * w + n - 1] = 1 / Math.sqrt(1 - white + white / n);
        }
      }
    }
    this.contentHash = temporalContentHash(parts);
    this.quantities = quantitiesOf(parts.features, parts.grid);
    this.info = detectorInfo<TemporalInfo>("temporal_window", this.contentHash, parts, options);
    this.options = options;
  }

  /** The options this model was built with (source, time, rated current, warning). */
  readonly options: Readonly<TemporalModelOptions>;

  /** The same model with other options; shares the calibration data. */
  withOptions(options: TemporalModelOptions): TemporalModel {
    return new TemporalModel(this.parts, { ...this.options, ...options });
  }

  /**
   * Predictions for readings in time order per meter (`meter_id`; readings
   * without one form one stream); `context` readings (each meter's last
   * `window - 1`) fill the first windows and get no prediction, so a stream
   * scored in batches scores exactly as in one piece. A reading is anomalous when its score
   * reaches the threshold or a grid value is physically impossible; anomalies
   * carry grid reasons first, then the temporal reason. Throws TypeError
   * naming the reading and field when a feature is not a finite number.
   */
  predict(readings: readonly Reading[], options: PredictOptions = {}): Prediction[] {
    const context = options.context ?? [];
    const rows = context.length === 0 ? readings : [...context, ...readings];
    const meterOf = (r: Reading) => {
      const id = (r as { meter_id?: unknown }).meter_id;
      return typeof id === "string" ? id : undefined;
    };
    const keys = rows.some((r) => meterOf(r) !== undefined) ? rows.map(meterOf) : null;
    const matrix = toMatrix(rows, this.features);
    const findings: Finding[] = [];
    const from = context.length;
    // Times are read only by a model with a daily cycle; a reading without one gets NaN.
    const times = this.#diurnal === null ? null : readTimes(rows);
    const scores = this.scoreRows(matrix, keys, { from, findings, times });
    const prev = previousInStream(keys, rows.length);
    const nf = this.#nf;
    const features = this.features;
    const quantities = this.quantities;
    const out: Prediction[] = new Array(readings.length);
    for (let i = 0; i < readings.length; i++) {
      const r = from + i;
      const score = scores[i];
      const flagged = score >= this.threshold;
      // A view on the row only for an anomaly, as the point model's predict() does.
      if (!flagged && !hasSensorFault(matrix, quantities, r * nf)) {
        out[i] = { anomaly: false, score };
        continue;
      }
      const reasons = explain(matrix.subarray(r * nf, r * nf + nf), {
        features,
        quantities,
        ...(this.options.ratedCurrent !== undefined
          ? { ratedCurrent: this.options.ratedCurrent }
          : {}),
      });
      if (flagged) {
        reasons.push(temporalReason(this, findings[i], {
          matrix,
          prev,
          row: r,
          ...(keys?.[r] !== undefined ? { meter: keys[r] } : {}),
          ...(times !== null ? { time: times[r] } : {}),
        }));
      }
      out[i] = { anomaly: true, score, reasons };
    }
    return out;
  }

  /** Input column names in order. */
  get features(): readonly string[] {
    return this.parts.features;
  }

  /** Normalized scores at or above this are anomalies. */
  get threshold(): number {
    return this.parts.threshold;
  }

  /** Readings per window. */
  get window(): number {
    return this.#window;
  }

  /** Index of a meter's own baseline, or -1 for the pooled one. */
  baselineOf(meter: string | undefined): number {
    return this.#index.get(meter ?? "") ?? -1;
  }

  /**
   * Baseline mean and sd of `channel` for baseline index `b` (-1: pooled);
   * with a `time` (epoch ms), the mean includes the daily cycle at that time.
   */
  baseline(b: number, channel: number, time = NaN): { mean: number; sd: number } {
    const { meters, pooled } = this.parts;
    const nf = this.#nf;
    let mean = b === -1 ? pooled.mean[channel] : meters.mean[b * nf + channel];
    const sd = b === -1 ? pooled.sd[channel] : meters.sd[b * nf + channel];
    if (this.#diurnal !== null && Number.isFinite(time)) {
      const phase = new Float64Array(2);
      dayPhase(time, phase);
      const k = ((b + 1) * nf + channel) * DIURNAL_TERMS;
      mean += this.#diurnal[k] * phase[0] + this.#diurnal[k + 1] * phase[1];
    }
    return { mean, sd };
  }

  /**
   * Express a window's statistics in baseline `b`'s terms: each channel's
   * mean also as a residual against the other channels' (`coupling.ts`), and
   * the spread statistics (log sd, log step) relative to the channel's noise,
   * so a quiet meter's flicker stands out as much as a noisy one's: meters
   * differ in how much of their spread is reading-to-reading noise and how
   * much slow change (load, wander).
   */
  relativeSpread(stats: Float64Array, b: number, n: number): void {
    const nf = this.#nf;
    const w = this.#window;
    residualMeans(stats, this.#coupling, (b + 1) * nf * nf, nf);
    for (let c = 0; c < nf; c++) {
      const k = (b + 1) * nf + c;
      const off = this.#spread[k];
      stats[c * STATS_PER_CHANNEL + 1] *= this.#meanScale[k * w + n - 1];
      stats[c * STATS_PER_CHANNEL + 2] -= off;
      stats[c * STATS_PER_CHANNEL + 3] -= off;
    }
  }

  /**
   * Rows standardized by their meter's baseline, and the baseline index of
   * each row; with `times` (epoch ms per row, NaN when unknown), the
   * baseline's daily cycle at that time is subtracted first.
   */
  standardize(
    matrix: Float64Array,
    keys: readonly (string | undefined)[] | null,
    times: ArrayLike<number> | null = null,
  ): { u: Float64Array; which: Int32Array } {
    const nf = this.#nf;
    const rows = matrix.length / nf;
    const u = new Float64Array(matrix.length);
    const which = new Int32Array(rows);
    const { meters, pooled } = this.parts;
    for (let r = 0; r < rows; r++) {
      const b = keys === null ? -1 : this.baselineOf(keys[r]);
      which[r] = b;
      for (let c = 0; c < nf; c++) {
        const mean = b === -1 ? pooled.mean[c] : meters.mean[b * nf + c];
        const sd = b === -1 ? pooled.sd[c] : meters.sd[b * nf + c];
        u[r * nf + c] = (matrix[r * nf + c] - mean) / sd;
      }
    }
    if (times !== null && this.#diurnal !== null) this.#removeCycle(u, which, times);
    return { u, which };
  }

  /** Subtract each row's daily cycle at its time (in sds of its baseline) from standardized rows. */
  #removeCycle(u: Float64Array, which: Int32Array, times: ArrayLike<number>): void {
    const nf = this.#nf;
    const diurnal = this.#diurnal!;
    const { meters, pooled } = this.parts;
    const phase = new Float64Array(2);
    let phaseOf = NaN;
    for (let r = 0; r < which.length; r++) {
      const t = times[r];
      if (!Number.isFinite(t)) continue;
      // A fleet's meters report at the same instants: one phase serves consecutive rows.
      if (t !== phaseOf) {
        dayPhase(t, phase);
        phaseOf = t;
      }
      const b = which[r];
      for (let c = 0; c < nf; c++) {
        const k = ((b + 1) * nf + c) * DIURNAL_TERMS;
        const sd = b === -1 ? pooled.sd[c] : meters.sd[b * nf + c];
        u[r * nf + c] -= (diurnal[k] * phase[0] + diurnal[k + 1] * phase[1]) / sd;
      }
    }
  }

  /**
   * Scores of rows `from..` of a row-major matrix whose rows are in time order
   * per meter (`keys`, or one stream when null); rows before `from` are
   * context only. With `findings`, records what decided each score; with
   * `times`, judges each row against its baseline's daily cycle.
   */
  scoreRows(
    matrix: Float64Array,
    keys: readonly (string | undefined)[] | null,
    options: ScoreRowsOptions = {},
  ): Float64Array {
    const nf = this.#nf;
    const rows = matrix.length / nf;
    const from = options.from ?? 0;
    const prev = previousInStream(keys, rows);
    const { u, which } = this.standardize(matrix, keys, options.times ?? null);
    const scratch = new WindowScratch(nf);
    const out = new Float64Array(rows - from);
    const per = nf * STATS_PER_CHANNEL;
    const center = this.#center;
    const inverse = this.#inverse;
    const recent = this.#recent;
    const half = this.#half;
    const zs = new Float64Array(per);
    const best = { z: 0, j: 0, tie: 0 };
    // The score of the latest `length` readings' statistics; leaves their z in zs, the largest in best.
    const judge = (stats: Float64Array, length: number) => {
      windowZ(zs, { stats, recent: scratch.recent, n: length, recentN: recent }, {
        center,
        inverse,
        per,
        weight: this.#weights[length - 1],
      });
      strongest(zs, per, length, best);
      return best.z / this.#limit[length - 1];
    };
    for (let r = from; r < rows; r++) {
      const n = windowStats(u, nf, prev, r, this.#window, scratch, undefined, recent, half);
      this.relativeSpread(scratch.stats, which[r], n);
      if (recent > 0 && n > recent) this.relativeSpread(scratch.recent, which[r], recent);
      let primary = judge(scratch.stats, n);
      let tie = best.tie;
      // What decided the score (plain numbers: no object per row).
      let decidedJ = best.j;
      let decidedZ = zs[best.j];
      let decidedN = n;
      // From format 7 a full window is also judged by its latest half; the larger score counts.
      if (half > 0 && n > half) {
        this.relativeSpread(scratch.half, which[r], half);
        const short = judge(scratch.half, half);
        if (short > primary) {
          primary = short;
          tie = best.tie;
          decidedJ = best.j;
          decidedZ = zs[best.j];
          decidedN = half;
        }
      }
      out[r - from] = primary * (1 + TIE_BREAK * tie);
      if (options.findings) {
        options.findings.push({
          channel: Math.floor(decidedJ / STATS_PER_CHANNEL),
          stat: decidedJ % STATS_PER_CHANNEL,
          z: decidedZ,
          n: decidedN,
          baseline: which[r],
        });
      }
    }
    return out;
  }
}

/** Each baseline's daily cycle (`diurnal.ts`), or undefined when no baseline's times cover a day. */
function dailyCycles(
  matrix: Float64Array,
  nf: number,
  keys: readonly (string | undefined)[] | null,
  times: ArrayLike<number>,
): TemporalParts["diurnal"] {
  const { meters, byMeter } = baselines(matrix, nf, keys);
  const none = () => new Array<number>(nf * DIURNAL_TERMS).fill(0);
  const all = Array.from({ length: matrix.length / nf }, (_, r) => r);
  const pooled = fitDiurnal(matrix, nf, all, times);
  const own = meters.ids.map((id) => fitDiurnal(matrix, nf, byMeter.get(id)!, times));
  if (pooled === null && own.every((c) => c === null)) return undefined;
  return { meters: own.flatMap((c) => c ?? none()), pooled: pooled ?? none() };
}

/** `matrix` with each row's daily cycle (its meter's, else the pooled one) subtracted. */
function withoutCycles(
  matrix: Float64Array,
  nf: number,
  keys: readonly (string | undefined)[] | null,
  cycles: {
    times: ArrayLike<number>;
    diurnal: NonNullable<TemporalParts["diurnal"]>;
    ids: string[];
  },
): Float64Array {
  const { times, diurnal, ids } = cycles;
  const index = new Map(ids.map((id, i) => [id, i]));
  const out = Float64Array.from(matrix);
  const phase = new Float64Array(2);
  for (let r = 0; r < out.length / nf; r++) {
    if (!Number.isFinite(times[r])) continue;
    dayPhase(times[r], phase);
    const b = keys === null ? -1 : index.get(keys[r] ?? "") ?? -1;
    for (let c = 0; c < nf; c++) {
      const at = b === -1 ? c * DIURNAL_TERMS : (b * nf + c) * DIURNAL_TERMS;
      const k = b === -1 ? diurnal.pooled : diurnal.meters;
      out[r * nf + c] -= k[at] * phase[0] + k[at + 1] * phase[1];
    }
  }
  return out;
}

/**
 * Fit a temporal model on normal rows (row-major, `features.length` columns,
 * in time order per meter), with the threshold at the (1 - contamination)
 * quantile of the training scores. Throws RangeError on a bad config or too
 * little data.
 */
export function fitTemporal(
  matrix: Float64Array,
  features: readonly string[],
  config: TemporalConfig,
  options: FitTemporalOptions,
): TemporalModel {
  validateTemporalConfig(config);
  const format = options.formatVersion ?? TEMPORAL_FORMAT_VERSION;
  if (format !== TEMPORAL_FORMAT_VERSION && !TEMPORAL_OLDER_VERSIONS.includes(format)) {
    throw new RangeError(
      `Format version must be ${
        orList([TEMPORAL_FORMAT_VERSION, ...TEMPORAL_OLDER_VERSIONS])
      }, got ${format}`,
    );
  }
  const nf = features.length;
  if (nf === 0) throw new RangeError("A model needs at least one feature, got none");
  if (new Set(features).size !== nf) {
    throw new RangeError(`Feature names must be unique, got ${features.join(",")}`);
  }
  const rows = matrix.length / nf;
  if (!Number.isInteger(rows) || rows < 2 * config.window) {
    throw new RangeError(
      `Training a window of ${config.window} needs at least ${2 * config.window} rows, got ${rows}`,
    );
  }
  for (let c = 0; c < nf; c++) {
    let largest = 0;
    for (let r = 0; r < rows; r++) largest = Math.max(largest, Math.abs(matrix[r * nf + c]));
    if (!(largest <= MAX_TRAINING_MAGNITUDE)) {
      throw new RangeError(
        `Feature "${features[c]}" has training values up to ${largest.toExponential(2)}: ` +
          `their squares overflow (at most ${MAX_TRAINING_MAGNITUDE} in magnitude); rescale it`,
      );
    }
  }
  const w = config.window;
  const per = nf * STATS_PER_CHANNEL;
  // From format 6, with times: each baseline's daily cycle, and the rows without it, which
  // everything below is fitted on (scoring subtracts the same cycle).
  const times = format >= 6 ? options.times ?? null : null;
  const diurnal = times === null ? undefined : dailyCycles(matrix, nf, options.meters, times);
  const level = diurnal === undefined ? matrix : withoutCycles(matrix, nf, options.meters, {
    times: times!,
    diurnal,
    ids: baselines(matrix, nf, options.meters).meters.ids,
  });
  const { meters, pooled, byMeter } = baselines(level, nf, options.meters);

  // Provisional model (identity calibration) to standardize rows the same way scoring does.
  const identity: TemporalParts = {
    features: [...features],
    config: { ...config },
    threshold: 1,
    grid: { ...(options.grid ?? defaultGridMap(features)) },
    meters,
    pooled,
    calibration: {
      center: new Array(w * per).fill(0),
      scale: new Array(w * per).fill(1),
      limit: new Array(w).fill(1),
    },
    ...(diurnal === undefined ? {} : { diurnal }),
    training: {},
    // Recorded only when older, as a loaded artifact's parts are.
    ...(format === TEMPORAL_FORMAT_VERSION ? {} : { formatVersion: format }),
  };
  const { u, which } = new TemporalModel(identity, {}).standardize(level, options.meters);
  // Coupling over blocks of a window: the co-movement the window means see.
  const coupling = fitCoupling(u, nf, w, byMeter, meters.ids);
  identity.meters.coupling = coupling.meters;
  identity.pooled.coupling = coupling.pooled;
  const provisional = new TemporalModel(identity, {});
  const prev = previousInStream(options.meters, rows);

  // Window statistics for every length at sampled rows.
  const stride = Math.max(1, Math.ceil((rows * w) / MAX_CALIBRATION_SAMPLES));
  const sampled = Math.ceil(rows / stride);
  const values = new Float64Array(sampled * w * per).fill(NaN);
  const scratch = new WindowScratch(nf);
  for (let s = 0, r = 0; r < rows; r += stride, s++) {
    windowStats(u, nf, prev, r, w, scratch, (n, stats) => {
      const at = (s * w + n - 1) * per;
      values.set(stats, at);
      provisional.relativeSpread(values.subarray(at, at + per), which[r], n);
    });
  }
  const center = new Array<number>(w * per).fill(0);
  const scale = new Array<number>(w * per).fill(1);
  const column: number[] = [];
  const tail = tailQuantile(format);
  for (let n = 1; n <= w; n++) {
    for (let j = 0; j < per; j++) {
      column.length = 0;
      for (let s = 0; s < sampled; s++) {
        const v = values[(s * w + n - 1) * per + j];
        if (!Number.isNaN(v)) column.push(v);
      }
      if (column.length < 2) continue;
      column.sort((a, b) => a - b);
      const k = (n - 1) * per + j;
      center[k] = quantile(column, 0.5);
      // Half the central 68 % range: the sd for normal data, robust to a few outliers.
      const sd = Math.max((quantile(column, 0.8413) - quantile(column, 0.1587)) / 2, MIN_SCALE);
      // A statistic whose normal tails are heavier than a normal distribution's (e.g. a noisy
      // channel's spread in load bursts) is widened until its tails are, so it does not set the
      // bar for the statistics whose normal behaviour is tighter.
      const tails = Math.max(
        center[k] - quantile(column, tail.p),
        quantile(column, 1 - tail.p) - center[k],
      );
      scale[k] = Math.max(sd, tails / tail.z);
    }
  }
  const limit = new Array<number>(w).fill(1);
  const recent = recentLength(w, format);
  const inverse = scale.map((v) => 1 / v);
  const zs = new Float64Array(per);
  const best = { z: 0, j: 0, tie: 0 };
  for (let n = 1; n <= w; n++) {
    const maxima: number[] = [];
    for (let s = 0; s < sampled; s++) {
      const o = (s * w + n - 1) * per;
      if (Number.isNaN(values[o])) continue;
      const ro = (s * w + recent - 1) * per;
      windowZ(zs, {
        stats: values.subarray(o, o + per),
        recent: values.subarray(ro, ro + per),
        n,
        recentN: recent,
      }, { center, inverse, per, weight: agreementWeight(format, n, recent) });
      strongest(zs, per, n, best);
      maxima.push(best.z);
    }
    if (maxima.length >= 2) {
      maxima.sort((a, b) => a - b);
      limit[n - 1] = Math.max(quantile(maxima, REFERENCE_QUANTILE), MIN_SCALE);
    }
  }

  const calibrated = new TemporalModel({ ...identity, calibration: { center, scale, limit } });
  const sorted = calibrated.scoreRows(matrix, options.meters, { times }).sort();
  const threshold = quantile(sorted, 1 - config.contamination);
  let flagged = 0;
  for (let i = 0; i < sorted.length; i++) if (sorted[i] >= threshold) flagged++;
  const q = (p: number) => quantile(sorted, p);
  const training = {
    data: options.description ?? { source: "data", rows },
    samples: rows,
    metersWithBaseline: meters.ids.length,
    scoreQuantiles: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: sorted[sorted.length - 1] },
    flaggedShare: flagged / rows,
  };
  return new TemporalModel({
    ...identity,
    threshold,
    calibration: { center, scale, limit },
    training: JSON.parse(JSON.stringify(training)),
  });
}

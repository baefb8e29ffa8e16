/**
 * A bounded sample of the training rows, stored in the artifact's training
 * summary (`training.referenceSample`) so serving can test live inputs
 * against what the model was trained on (Kolmogorov–Smirnov per feature, MMD
 * over the rows). Systematic: every k-th row, so a training set in time order
 * is covered from its first reading to its last. The columns keep the rows
 * aligned (row i of every feature is one training row). When the training
 * rows carry times, each sampled row's time of day (UTC) is kept too, so a
 * check of live readings can compare them with the training rows of the same
 * hours: grid readings follow the day (load peaks in the evening), and a
 * window of five minutes is not a sample of a whole day. Artifacts written
 * before the sample existed have none: {@link readReferenceSample} says so
 * with null rather than failing. Pure TypeScript.
 */

/**
 * Most rows the sample keeps (about 120 kB, a sixth of a default forest): a day of training
 * readings leaves about 300 of them within 45 minutes either side of a five-minute window, what
 * KS and PSI need to compare the window with the same hours of the day without their noise
 * looking like drift.
 */
export const REFERENCE_SAMPLE_ROWS = 4_000;

/** The sample in `training.referenceSample`. */
export interface ReferenceSample {
  method: "systematic";
  /** Rows in the sample (the length of every column). */
  rows: number;
  /** Per feature, its values in the sampled rows, in training order. */
  features: Record<string, number[]>;
  /** Seconds since midnight UTC of each sampled row, when the training rows had times. */
  timeOfDay?: number[];
}

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;

/** Seconds since midnight UTC of an epoch time in ms (whole seconds). */
export function timeOfDaySeconds(epochMs: number): number {
  return Math.floor((((epochMs % DAY_MS) + DAY_MS) % DAY_MS) / 1000);
}

/**
 * Every k-th row of a row-major training matrix, at most `maxRows` rows, with
 * their times of day when `times` (epoch ms per row, all finite) is given.
 */
export function referenceSample(
  matrix: Float64Array,
  features: readonly string[],
  maxRows: number = REFERENCE_SAMPLE_ROWS,
  times?: ArrayLike<number>,
): ReferenceSample {
  const nf = features.length;
  const n = matrix.length / nf;
  const step = Math.max(1, Math.ceil(n / maxRows));
  const out: Record<string, number[]> = {};
  features.forEach((name, f) => {
    const column: number[] = [];
    for (let r = 0; r < n; r += step) column.push(matrix[r * nf + f]);
    out[name] = column;
  });
  const sample: ReferenceSample = {
    method: "systematic",
    rows: Math.ceil(n / step),
    features: out,
  };
  if (times && times.length === n && Array.prototype.every.call(times, Number.isFinite)) {
    const timeOfDay: number[] = [];
    for (let r = 0; r < n; r += step) timeOfDay.push(timeOfDaySeconds(times[r]));
    sample.timeOfDay = timeOfDay;
  }
  return sample;
}

/**
 * The reference sample in a training summary, or null when the artifact has
 * none (written before samples existed) or it does not cover `features` with
 * finite, aligned columns.
 */
export function readReferenceSample(
  training: Record<string, unknown>,
  features: readonly string[],
): ReferenceSample | null {
  const raw = training.referenceSample as ReferenceSample | undefined;
  if (
    !raw || typeof raw !== "object" || raw.method !== "systematic" ||
    !Number.isInteger(raw.rows) || raw.rows < 1 || typeof raw.features !== "object" ||
    raw.features === null
  ) return null;
  for (const name of features) {
    const column = raw.features[name];
    if (
      !Array.isArray(column) || column.length !== raw.rows ||
      !column.every((v) => typeof v === "number" && Number.isFinite(v))
    ) return null;
  }
  const tod = raw.timeOfDay;
  const todOk = Array.isArray(tod) && tod.length === raw.rows &&
    tod.every((v) => Number.isInteger(v) && v >= 0 && v < DAY_MS / 1000);
  // A damaged time column costs the matching by hours, not the sample.
  if (todOk || tod === undefined) return raw;
  const { timeOfDay: _damaged, ...rest } = raw;
  return rest;
}

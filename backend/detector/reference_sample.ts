/**
 * A bounded sample of the training rows, stored in the artifact's training
 * summary (`training.referenceSample`) so serving can test live inputs
 * against what the model was trained on (Kolmogorov–Smirnov per feature, MMD
 * over the rows). Systematic: every k-th row, so a training set in time order
 * is covered from its first reading to its last. The columns keep the rows
 * aligned (row i of every feature is one training row). Artifacts written
 * before the sample existed have none: {@link readReferenceSample} says so
 * with null rather than failing. Pure TypeScript.
 */

/** Most rows the sample keeps: enough for a KS test, small next to the forest (tens of kB). */
export const REFERENCE_SAMPLE_ROWS = 1_000;

/** The sample in `training.referenceSample`. */
export interface ReferenceSample {
  method: "systematic";
  /** Rows in the sample (the length of every column). */
  rows: number;
  /** Per feature, its values in the sampled rows, in training order. */
  features: Record<string, number[]>;
}

/** Every k-th row of a row-major training matrix, at most `maxRows` rows. */
export function referenceSample(
  matrix: Float64Array,
  features: readonly string[],
  maxRows: number = REFERENCE_SAMPLE_ROWS,
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
  return { method: "systematic", rows: Math.ceil(n / step), features: out };
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
  return raw;
}

/**
 * The training reference for input drift: per feature, decile bin edges of
 * the training data and the share of training rows in each bin. Stored in the
 * artifact's training summary (`training.driftReference`), so every version
 * carries the distribution it was trained on, and live inputs binned with
 * {@link binIndex} can be compared with it (PSI). Pure TypeScript.
 */
import { quantile } from "./evaluation.ts";

/** Bins per feature: deciles, the usual choice for PSI. */
export const DRIFT_BINS = 10;

/** One feature's reference: interior bin edges (ascending, distinct) and training shares. */
export interface FeatureReference {
  /** Bin `i` holds values above `edges[i-1]` and at most `edges[i]`; the last bin is open. */
  edges: number[];
  /** Share of training rows per bin; `edges.length + 1` entries summing to 1. */
  proportions: number[];
}

/** The reference of every feature, in the artifact's `training.driftReference`. */
export interface DriftReference {
  method: "quantile-bins";
  features: Record<string, FeatureReference>;
}

/** The bin of `value` for `edges`: the number of edges below it (binary search). */
export function binIndex(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Build the reference from a row-major training matrix with one column per feature. */
export function driftReference(
  matrix: Float64Array,
  features: readonly string[],
  bins: number = DRIFT_BINS,
): DriftReference {
  const nf = features.length;
  const n = matrix.length / nf;
  const out: Record<string, FeatureReference> = {};
  const column = new Float64Array(n);
  for (let f = 0; f < nf; f++) {
    for (let r = 0; r < n; r++) column[r] = matrix[r * nf + f];
    column.sort();
    const edges: number[] = [];
    for (let k = 1; k < bins; k++) {
      const edge = quantile(column, k / bins);
      // A feature with repeated values gives repeated quantiles: keep each edge once.
      if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
    }
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (let r = 0; r < n; r++) counts[binIndex(edges, column[r])]++;
    out[features[f]] = { edges, proportions: counts.map((c) => c / n) };
  }
  return { method: "quantile-bins", features: out };
}

/**
 * The drift reference in a training summary, or null when the artifact has
 * none (trained before references existed) or it does not cover `features`.
 */
export function readDriftReference(
  training: Record<string, unknown>,
  features: readonly string[],
): DriftReference | null {
  const raw = training.driftReference as DriftReference | undefined;
  if (!raw || raw.method !== "quantile-bins" || typeof raw.features !== "object") return null;
  for (const name of features) {
    const ref = raw.features[name];
    if (
      !ref || !Array.isArray(ref.edges) || !Array.isArray(ref.proportions) ||
      ref.proportions.length !== ref.edges.length + 1 ||
      !ref.edges.every((e, i) => Number.isFinite(e) && (i === 0 || e > ref.edges[i - 1])) ||
      !ref.proportions.every((p) => Number.isFinite(p) && p >= 0)
    ) {
      return null;
    }
  }
  return raw;
}

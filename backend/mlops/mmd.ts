/**
 * Maximum mean discrepancy with a Gaussian kernel, tested by permutation: a
 * two-sample test on whole rows, so it sees a change in how features move
 * together that no per-feature test can. A shift of a share w of the rows
 * moves MMD² by about w², so a few percent of outliers (which the detector
 * flags itself) barely register while a shift of the bulk does; KS moves by
 * w. The cost is quadratic in the rows, so callers pass bounded samples
 * (a few hundred rows each). Pure TypeScript.
 */
import type { Rng } from "../../lib/simulator/rng.ts";

/** The statistic and permutation p-value of an MMD test. */
export interface MmdResult {
  /** Unbiased MMD² estimate (can be slightly negative when both samples agree). */
  statistic: number;
  /** (1 + permutations at least as large) / (1 + permutations). */
  pValue: number;
}

/** Options for {@link mmdTest}. */
export interface MmdOptions {
  /** Columns per row. */
  dims: number;
  /** Kernel bandwidth σ in the rows' units: k(a, b) = exp(−|a − b|² / 2σ²). */
  bandwidth: number;
  /** Random relabellings; the smallest p-value is 1 / (1 + permutations). */
  permutations: number;
  /** Source of the permutations (seeded in tests). */
  rng: Rng;
}

/** Median distance between distinct rows of `rows` (row-major, `dims` columns): the usual bandwidth. */
export function medianDistance(rows: Float64Array, dims: number): number {
  const n = rows.length / dims;
  const d: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dims; k++) s += (rows[i * dims + k] - rows[j * dims + k]) ** 2;
      d.push(Math.sqrt(s));
    }
  }
  if (d.length === 0) return 1;
  d.sort((a, b) => a - b);
  const m = d[d.length >> 1];
  return m > 0 ? m : 1;
}

/** Test whether row samples `x` and `y` (row-major, `dims` columns) share one distribution. */
export function mmdTest(x: Float64Array, y: Float64Array, options: MmdOptions): MmdResult {
  const { dims, permutations, rng } = options;
  const nx = x.length / dims;
  const ny = y.length / dims;
  if (nx < 2 || ny < 2) {
    throw new RangeError(`Both samples need 2 rows or more, got ${nx} and ${ny}`);
  }
  const n = nx + ny;
  const row = (i: number, k: number) => (i < nx ? x[i * dims + k] : y[(i - nx) * dims + k]);
  const gamma = 1 / (2 * options.bandwidth * options.bandwidth);
  // The kernel matrix (symmetric, zero diagonal: the unbiased estimate leaves i = j out), its
  // row sums and its total, once; a permutation then only sums the pairs inside its new x.
  const kernel = new Float64Array(n * n);
  const rowSum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dims; k++) s += (row(i, k) - row(j, k)) ** 2;
      const v = Math.exp(-gamma * s);
      kernel[i * n + j] = v;
      kernel[j * n + i] = v;
      rowSum[i] += v;
      rowSum[j] += v;
      total += v;
    }
  }
  // For x = the first nx of `order`: pairs inside x (xx), across (xy = Σ row sums of x − 2·xx)
  // and inside y (the rest of the total).
  const statistic = (order: Int32Array): number => {
    let xx = 0;
    let rows = 0;
    for (let a = 0; a < nx; a++) {
      const i = order[a];
      rows += rowSum[i];
      const base = i * n;
      for (let b = a + 1; b < nx; b++) xx += kernel[base + order[b]];
    }
    const xy = rows - 2 * xx;
    const yy = total - xx - xy;
    return (2 * xx) / (nx * (nx - 1)) + (2 * yy) / (ny * (ny - 1)) - (2 * xy) / (nx * ny);
  };
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const observed = statistic(order);
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    // A partial Fisher–Yates: only the first nx places need a uniformly random draw.
    for (let i = 0; i < nx; i++) {
      const j = i + Math.floor(rng() * (n - i));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    if (statistic(order) >= observed - 1e-12 * Math.abs(observed)) atLeast++;
  }
  return { statistic: observed, pValue: (1 + atLeast) / (1 + permutations) };
}

/**
 * How a meter's channels move together, for the temporal detector's
 * `residual_mean` statistic. Channels of one meter share slow causes (load
 * raises the current and lowers the voltage), so a channel's window mean can
 * wander far while staying in line with the others, and a fault that moves
 * one channel alone can stay inside that channel's normal range. The residual
 * of a channel's window mean against a linear fit on the other channels'
 * window means removes the shared part.
 *
 * Fitted per baseline on the means of consecutive, non-overlapping blocks of
 * a window of standardized readings (clipped as window statistics are), so
 * the fit sees the slow co-movement rather than the reading-to-reading noise
 * that would shrink it. Stored per channel `c` as row `c` of an nf × nf
 * matrix: off the diagonal the weights of the other channels, on it 1 / the
 * residual's sd. Pure TypeScript.
 */
import { CLIP, STATS_PER_CHANNEL } from "./window_stats.ts";

/** Index of the window mean among the statistics, and of its residual. */
const MEAN = 1;
const RESIDUAL = 5;

/** A channel whose residual is smaller than this (standardized) is treated as this. */
const MIN_RESIDUAL_SD = 1e-3;

/** Added to the normal equations' diagonal (times the block count): a nearly constant channel stays solvable. */
const RIDGE = 1e-6;

function clip(v: number): number {
  return v > CLIP ? CLIP : v < -CLIP ? -CLIP : v;
}

/** Solve the small dense system `a x = y` (Gaussian elimination, partial pivoting; both modified). */
export function solveSmall(a: number[][], y: number[]): number[] {
  const k = y.length;
  for (let i = 0; i < k; i++) {
    let p = i;
    for (let r = i + 1; r < k; r++) if (Math.abs(a[r][i]) > Math.abs(a[p][i])) p = r;
    [a[i], a[p]] = [a[p], a[i]];
    [y[i], y[p]] = [y[p], y[i]];
    const d = a[i][i];
    if (d === 0) continue;
    for (let r = i + 1; r < k; r++) {
      const f = a[r][i] / d;
      for (let q = i; q < k; q++) a[r][q] -= f * a[i][q];
      y[r] -= f * y[i];
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let q = i + 1; q < k; q++) s -= a[i][q] * x[q];
    x[i] = a[i][i] === 0 ? 0 : s / a[i][i];
  }
  return x;
}

/** The nf × nf coupling of block means `blocks` (each of nf values); see the module comment. */
export function couplingOf(blocks: readonly (readonly number[])[], nf: number): number[] {
  const out = new Array<number>(nf * nf).fill(0);
  const m = blocks.length;
  // Too few blocks for a fit (a meter with little data and a long window): no weights and unit
  // scale, so the residual is the standardized mean itself rather than a guess.
  if (m <= nf + 2) {
    for (let c = 0; c < nf; c++) out[c * nf + c] = 1;
    return out;
  }
  const mu = new Array<number>(nf).fill(0);
  for (const b of blocks) for (let c = 0; c < nf; c++) mu[c] += b[c] / m;
  for (let c = 0; c < nf; c++) {
    const others = [...Array(nf).keys()].filter((d) => d !== c);
    const k = others.length;
    let beta = new Array<number>(k).fill(0);
    if (k > 0) {
      const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
      const y = new Array<number>(k).fill(0);
      for (const b of blocks) {
        for (let i = 0; i < k; i++) {
          const xi = b[others[i]] - mu[others[i]];
          y[i] += xi * (b[c] - mu[c]);
          for (let q = 0; q < k; q++) a[i][q] += xi * (b[others[q]] - mu[others[q]]);
        }
      }
      for (let i = 0; i < k; i++) a[i][i] += RIDGE * m;
      beta = solveSmall(a, y);
    }
    let ss = 0;
    for (const b of blocks) {
      let r = b[c] - mu[c];
      for (let i = 0; i < k; i++) r -= beta[i] * (b[others[i]] - mu[others[i]]);
      ss += r * r;
    }
    for (let i = 0; i < k; i++) out[c * nf + others[i]] = beta[i];
    out[c * nf + c] = 1 / Math.max(Math.sqrt(ss / m), MIN_RESIDUAL_SD);
  }
  return out;
}

/**
 * Couplings of standardized rows `u` (nf columns, in time order per stream
 * `rows`), over blocks of `block` readings: pooled over every stream, and
 * per meter in `ids` order (each must be a key of `rows`).
 */
export function fitCoupling(
  u: Float64Array,
  nf: number,
  block: number,
  rows: ReadonlyMap<string, readonly number[]>,
  ids: readonly string[],
): { pooled: number[]; meters: number[] } {
  const blocksOf = (list: readonly number[]) => {
    const out: number[][] = [];
    for (let s = 0; s + block <= list.length; s += block) {
      const b = new Array<number>(nf).fill(0);
      for (let q = s; q < s + block; q++) {
        for (let c = 0; c < nf; c++) b[c] += clip(u[list[q] * nf + c]) / block;
      }
      out.push(b);
    }
    return out;
  };
  const all: number[][] = [];
  const own = new Map<string, number[][]>();
  for (const [key, list] of rows) {
    const blocks = blocksOf(list);
    own.set(key, blocks);
    all.push(...blocks);
  }
  const meters: number[] = [];
  for (const id of ids) meters.push(...couplingOf(own.get(id)!, nf));
  return { pooled: couplingOf(all, nf), meters };
}

/**
 * Replace each channel's `residual_mean` statistic in `stats` by its window
 * mean's residual against the other channels' window means, in residual sds,
 * with `coupling` at offset `at` (nf × nf). Reads the means before anything
 * rescales them.
 */
export function residualMeans(
  stats: Float64Array,
  coupling: ArrayLike<number>,
  at: number,
  nf: number,
): void {
  for (let c = 0; c < nf; c++) {
    let r = stats[c * STATS_PER_CHANNEL + MEAN];
    const row = at + c * nf;
    for (let d = 0; d < nf; d++) {
      if (d !== c) r -= coupling[row + d] * stats[d * STATS_PER_CHANNEL + MEAN];
    }
    stats[c * STATS_PER_CHANNEL + RESIDUAL] = r * coupling[row + c];
  }
}

/**
 * Two-sample Kolmogorov–Smirnov test: the largest gap between two empirical
 * distribution functions (D) and its p-value from the asymptotic Kolmogorov
 * distribution with Stephens' effective-n correction,
 * λ = (√nₑ + 0.12 + 0.11/√nₑ)·D with nₑ = nm/(n+m) (Numerical Recipes §14.3,
 * the formula scipy's `ks_2samp` used before 1.5). It is distribution-free and
 * needs no bins, so it sees a shift PSI's deciles blur; ties (sensor
 * rounding) make it slightly conservative. Pure TypeScript.
 */

/** The statistic and p-value of a two-sample KS test. */
export interface KsResult {
  /** sup |F₁ − F₂| over both samples, in [0, 1]. */
  statistic: number;
  /** Probability of a gap at least this large when both samples share one distribution. */
  pValue: number;
}

/**
 * Kolmogorov's survival function Q(λ) = 2 Σₖ (−1)^(k−1) e^(−2k²λ²): the
 * probability that √n·D exceeds λ for large n.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  // Below 0.2 the alternating series converges slowly, and Q is 1 to 15 digits anyway.
  if (lambda < 0.2) return 1;
  let sum = 0;
  let sign = 1;
  const a = -2 * lambda * lambda;
  for (let k = 1; k <= 100; k++) {
    const term = sign * Math.exp(a * k * k);
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) break;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * D of two samples, each sorted ascending (not checked: the caller sorts once
 * and tests many times). Equal values advance both sides together, so ties
 * across the samples count as no gap.
 */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError(`Both samples must be non-empty, got ${n} and ${m}`);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = a[i] <= b[j] ? a[i] : b[j];
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    const gap = Math.abs(i / n - j / m);
    if (gap > d) d = gap;
  }
  return d;
}

/** The p-value of statistic `d` for sample sizes `n` and `m` (asymptotic, corrected). */
export function ksPValue(d: number, n: number, m: number): number {
  const ne = Math.sqrt((n * m) / (n + m));
  return kolmogorovSurvival((ne + 0.12 + 0.11 / ne) * d);
}

/** Test whether sorted samples `a` and `b` come from the same distribution. */
export function ksTest(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const statistic = ksStatistic(a, b);
  return { statistic, pValue: ksPValue(statistic, a.length, b.length) };
}

/**
 * Population stability index: how far a distribution over bins has moved
 * from a reference. PSI = Σ (actual − expected) · ln(actual / expected) over
 * bins of shares. Rules of thumb (credit scoring, Evidently's default):
 * below 0.1 no shift, 0.1 to 0.25 moderate, above 0.25 significant.
 */

/** Share given to an empty bin so the logarithm stays finite (Evidently uses 1e-4 too). */
export const PSI_EPSILON = 1e-4;

/** PSI of bin `counts` (total `total`) against `expected` shares; 0 when `total` is 0. */
export function psi(
  expected: readonly number[],
  counts: ArrayLike<number>,
  total: number,
): number {
  if (expected.length !== counts.length) {
    throw new RangeError(
      `Expected shares and counts must have the same bins, got ${expected.length} and ${counts.length}`,
    );
  }
  if (total <= 0) return 0;
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], PSI_EPSILON);
    const a = Math.max(counts[i] / total, PSI_EPSILON);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

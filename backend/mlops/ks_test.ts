import assert from "node:assert/strict";
import { kolmogorovSurvival, ksPValue, ksStatistic, ksTest } from "./ks.ts";
import { createRng, gaussian } from "../../lib/simulator/rng.ts";

// Expected values computed offline with scipy 1.17.1: `stats.ks_2samp(a, b).statistic`,
// `stats.kstwobign.sf(lam)`, and for the p-values `stats.kstwobign.sf((en + 0.12 + 0.11 / en) * d)`
// with `en = sqrt(n * m / (n + m))`.
const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);

Deno.test("ksStatistic() matches scipy's ks_2samp, ties included", () => {
  const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const b = [3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5];
  close(ksStatistic(a, b), 0.41666666666666663);
  close(ksStatistic([1, 2, 2, 3, 3, 3, 4, 5], [2, 3, 3, 4, 4, 6]), 0.25);
  assert.equal(ksStatistic([1, 2, 3], [1, 2, 3]), 0);
  assert.equal(ksStatistic([1, 2], [3, 4]), 1);
});

Deno.test("kolmogorovSurvival() matches scipy's kstwobign.sf", () => {
  close(kolmogorovSurvival(0.5), 0.9639452436648751);
  close(kolmogorovSurvival(1.0), 0.26999967167735456);
  close(kolmogorovSurvival(1.3581), 0.0499996304316674);
  close(kolmogorovSurvival(1.63), 0.009846364888486529);
  close(kolmogorovSurvival(2.0), 0.0006709252557796953);
  assert.equal(kolmogorovSurvival(0), 1);
  assert.equal(kolmogorovSurvival(0.1), 1);
});

Deno.test("ksPValue() applies the effective-n correction as scipy's formula does", () => {
  close(ksPValue(0.05, 1000, 5000), 0.029916638121003175);
  close(ksPValue(0.1, 200, 1000), 0.06674196226076008);
  close(ksPValue(0.3, 30, 40), 0.07317160490327197);
  close(ksPValue(0.02, 5000, 5000), 0.26738904394377666);
});

Deno.test("ksTest() flags a one-sd shift and not a fresh draw of the same distribution", () => {
  const rng = createRng(7);
  const draw = (n: number, mean: number) =>
    Float64Array.from({ length: n }, () => gaussian(rng, mean, 1)).sort();
  const reference = draw(1000, 0);
  assert.ok(ksTest(reference, draw(500, 1)).pValue < 1e-10);
  assert.ok(ksTest(reference, draw(500, 0)).pValue > 0.05);
});

Deno.test("ksStatistic() rejects an empty sample", () => {
  assert.throws(() => ksStatistic([], [1]), /non-empty, got 0 and 1/);
});

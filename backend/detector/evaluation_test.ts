import assert from "node:assert/strict";
import { averagePrecision, evaluateScores, prCurve, quantile, rocAuc } from "./evaluation.ts";

Deno.test("rocAuc() is 1 for perfect separation, 0.5 for ties and 0 for reversed", () => {
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]), 1);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true]), 0.5);
  assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true]), 0);
  // One of the four positive/negative pairs is misordered.
  assert.equal(rocAuc([0.1, 0.6, 0.5, 0.9], [false, false, true, true]), 0.75);
});

Deno.test("rocAuc() is NaN with one class and rejects mismatched lengths", () => {
  assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [false, false])));
  assert.throws(() => rocAuc([0.1], [true, false]), {
    name: "RangeError",
    message: "Scores and labels must have the same length, got 1 and 2",
  });
});

Deno.test("rocAuc(), prCurve() and averagePrecision() refuse a NaN score instead of looping", () => {
  const error = { name: "RangeError", message: "Score 1 is NaN: the model gave that row no score" };
  for (const f of [rocAuc, prCurve, averagePrecision]) {
    assert.throws(() => f([0.2, NaN, 0.9], [false, true, true]), error);
  }
});

Deno.test("evaluateScores() counts the confusion matrix at the threshold", () => {
  const e = evaluateScores([0.9, 0.7, 0.6, 0.4, 0.3], [true, false, true, false, true], {
    threshold: 0.6,
  });
  assert.deepEqual(e.confusion, { tp: 2, fp: 1, tn: 1, fn: 1 });
  assert.equal(e.precision, 2 / 3);
  assert.equal(e.recall, 2 / 3);
  assert.ok(Math.abs(e.f1 - 2 / 3) < 1e-15);
  assert.equal(e.samples, 5);
  assert.equal(e.positives, 3);
});

Deno.test("evaluateScores() flags forced samples and reports 0 when nothing is flagged", () => {
  const forced = evaluateScores([0.1, 0.1], [true, false], {
    threshold: 0.5,
    forced: [true, false],
  });
  assert.deepEqual(forced.confusion, { tp: 1, fp: 0, tn: 1, fn: 0 });
  const none = evaluateScores([0.1, 0.1], [true, false], { threshold: 0.5 });
  assert.equal(none.precision, 0);
  assert.equal(none.f1, 0);
});

Deno.test("quantile() interpolates like numpy and rejects bad input", () => {
  assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.95), 4.8);
  assert.equal(quantile([7], 0.3), 7);
  assert.throws(() => quantile([], 0.5), /empty/);
  assert.throws(() => quantile([1], 1.5), { message: "Quantile must be between 0 and 1, got 1.5" });
});

Deno.test("averagePrecision() matches scikit-learn's average_precision_score", () => {
  // sklearn: average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.8333...
  const ap = averagePrecision([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
  assert.ok(Math.abs(ap - 5 / 6) < 1e-12, `${ap}`);
  assert.ok(Number.isNaN(averagePrecision([0.1, 0.2], [false, false])));
  assert.deepEqual(prCurve([0.5, 0.5, 0.1], [true, false, true]), [
    { threshold: 0.5, precision: 0.5, recall: 0.5 },
    { threshold: 0.1, precision: 2 / 3, recall: 1 },
  ]);
});

Deno.test("evaluateScores() reports false- and missed-alarm rates", () => {
  const e = evaluateScores([0.9, 0.2, 0.8, 0.1, 0.6], [true, true, false, false, false], {
    threshold: 0.5,
  });
  assert.equal(e.far, 2 / 3);
  assert.equal(e.mar, 1 / 2);
  assert.ok(e.prAuc > 0 && e.prAuc <= 1);
});

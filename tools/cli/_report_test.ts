import assert from "node:assert/strict";
import { fixed, formatEvaluation, type Metrics, percent, table } from "./_report.ts";

Deno.test("fixed() rounds to three decimals and shows missing values as n/a", () => {
  assert.equal(fixed(0.98765), "0.988");
  assert.equal(fixed(1), "1.000");
  assert.equal(fixed(0.5, 1), "0.5");
  for (const missing of [NaN, null, undefined, Infinity]) assert.equal(fixed(missing), "n/a");
});

Deno.test("percent() shows a share with one decimal", () => {
  assert.equal(percent(0.05), "5.0 %");
  assert.equal(percent(0.12345), "12.3 %");
  assert.equal(percent(1), "100.0 %");
});

Deno.test("table() pads the first column left-aligned and the others right-aligned", () => {
  assert.deepEqual(
    table([["kind", "n", "recall"], ["voltage_sag", "12", "1.000"], ["drift", "3", ""]]),
    [
      "kind          n  recall",
      "voltage_sag  12   1.000",
      "drift         3",
    ],
  );
});

const metrics: Metrics = {
  precision: 0.9,
  recall: 0.75,
  f1: 0.8181818,
  rocAuc: NaN,
  confusion: { tp: 3, fp: 1, tn: 95, fn: 1 },
};

Deno.test("formatEvaluation() prints the metrics and the confusion matrix by actual class", () => {
  const lines = formatEvaluation(metrics);
  assert.deepEqual(lines, [
    "  precision  0.900  (share of flagged readings that are anomalies)",
    "  recall     0.750  (share of anomalies flagged)",
    "  F1         0.818",
    "  ROC AUC    n/a  (ranking quality, independent of the threshold)",
    "  confusion matrix:",
    "                    predicted normal  predicted anomaly",
    "    actual normal                 95                  1",
    "    actual anomaly                 1                  3",
  ]);
});

Deno.test("formatEvaluation() adds PR AUC, FAR and MAR when the metrics carry them", () => {
  const lines = formatEvaluation({ ...metrics, prAuc: 0.7, far: 0.0104, mar: null });
  assert.equal(lines[4], "  PR AUC     0.700  (average precision over all thresholds)");
  assert.equal(
    lines[5],
    "  FAR        0.010  (false-alarm rate: share of normal readings flagged)",
  );
  assert.equal(lines[6], "  MAR        n/a  (missed-alarm rate: share of anomalies not flagged)");
  assert.equal(lines.length, 11);
});

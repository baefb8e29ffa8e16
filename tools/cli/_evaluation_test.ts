import assert from "node:assert/strict";
import { evaluateRows, poolEvaluations, toJson } from "./_evaluation.ts";

const input = {
  scores: new Float64Array([0.1, 0.9, 0.8, 0.2, 0.7, 0.1]),
  threshold: 0.5,
  rows: [1, 2, 3, 4, 5],
  labels: [false, true, true, false, false, true],
  grid: [false, false, false, true, false, true],
  range: [false, true, false, false, true, false],
  keys: ["a", "a", "a", "a", "a", "a"],
};

Deno.test("evaluateRows() measures the model on the chosen rows, rule flags apart", () => {
  const { report } = evaluateRows(input);
  assert.equal(report.rows, 5);
  assert.equal(report.anomalies, 3);
  assert.equal(report.model_flags, 3);
  assert.deepEqual(
    { tp: report.model!.tp, fp: report.model!.fp, tn: report.model!.tn, fn: report.model!.fn },
    { tp: 2, fp: 1, tn: 1, fn: 1 },
  );
  assert.equal(report.model!.far, 0.5);
  // Rows 1-2 form one event (found at once), row 5 another (missed).
  assert.deepEqual(report.events, { events: 2, detected: 1, recall: 0.5, median_delay: 0 });
  assert.equal(report.grid_flags, 2);
  assert.equal(report.grid_flags_on_anomalies, 1);
  assert.equal(report.range_flags, 2);
  assert.equal(report.range_flags_on_anomalies, 1);
});

Deno.test("poolEvaluations() adds counts and events over files", () => {
  const a = evaluateRows(input);
  const b = evaluateRows({ ...input, rows: [0, 1] });
  const pooled = poolEvaluations([a, b], 0.5);
  assert.equal(pooled.rows, 7);
  assert.equal(pooled.model!.tp, 3);
  assert.equal(pooled.range_flags, 3);
  assert.equal(pooled.range_flags_on_anomalies, 2);
  assert.deepEqual(pooled.events, { events: 3, detected: 2, recall: 2 / 3, median_delay: 0 });
  const unlabeled = evaluateRows({ ...input, labels: null });
  assert.equal(unlabeled.report.model, null);
  assert.equal(poolEvaluations([unlabeled], 0.5).anomalies, null);
  assert.equal(toJson({ x: NaN, y: Infinity }), '{\n  "x": null,\n  "y": null\n}');
});

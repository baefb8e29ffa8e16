import assert from "node:assert/strict";
import { formatFiles } from "./_byod_text.ts";
import type { Evaluation } from "./_byod.ts";
import type { RowsReport } from "./_evaluation.ts";

const report = (rows: number): RowsReport => ({
  rows,
  anomalies: rows > 0 ? 1 : 0,
  model_flags: 1,
  model: rows > 0
    ? {
      tp: 1,
      fp: 0,
      tn: rows - 1,
      fn: 0,
      precision: 1,
      recall: 1,
      f1: 1,
      far: 0,
      mar: 0,
      roc_auc: 1,
      pr_auc: 1,
    }
    : null,
  events: rows > 0 ? { events: 1, detected: 1, recall: 1, median_delay: 2 } : null,
  grid_flags: 0,
  grid_flags_on_anomalies: 0,
  range_flags: 0,
  range_flags_on_anomalies: 0,
});

Deno.test("formatFiles() prints pooled metrics, events, grid flags and a per-file table", () => {
  const file = (name: string, rows: number) => ({
    ...report(rows),
    file: name,
    train_rows: 0,
    fit_rows: 0,
  });
  const e: Evaluation = {
    files: [file("dir/a.csv", 10), file("dir/b.csv", 5), file("dir/c.csv", 0)],
    pooled: report(15),
    pr: [],
  };
  const text = formatFiles(e, "15 rows").join("\n");
  assert.match(text, /^Evaluation on 15 rows \(1 anomalies\):/);
  assert.match(text, /events +1 of 1 detected \(event recall 1\.000\), median delay 2\.0 rows/);
  assert.match(text, /grid rules 0 rows/);
  // The range guard's line only where it flagged something.
  assert.doesNotMatch(text, /range guard/);
  const guarded = formatFiles(
    { ...e, pooled: { ...report(15), range_flags: 3, range_flags_on_anomalies: 1 } },
    "15 rows",
  ).join("\n");
  assert.match(guarded, /range guard 3 rows more than 6 training sd .*\(1 labeled anomalous\)/);
  // Files without evaluated rows stay out of the table; base names are enough when unique.
  assert.match(text, /\n {2}a\.csv +10 /);
  assert.doesNotMatch(text, /c\.csv/);
  const none = formatFiles({ files: [], pooled: report(0), pr: [] }, "nothing");
  assert.match(none[0], /^No labels and no --train-rows, so nothing to evaluate/);
});

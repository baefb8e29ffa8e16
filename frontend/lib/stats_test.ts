import assert from "node:assert/strict";
import {
  addVerdict,
  emptyConfusion,
  formatMs,
  formatRatio,
  percentile,
  precision,
  recall,
  RollingWindow,
  summarizeLatency,
} from "./stats.ts";

Deno.test("percentile() uses the nearest rank", () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 95), 95);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile([5], 99), 5);
  assert.equal(percentile([], 50), null);
});

Deno.test("summarizeLatency() sorts a copy and averages", () => {
  const input = [30, 10, 20];
  const s = summarizeLatency(input);
  assert.deepEqual(s, { count: 3, avg: 20, p95: 30, p99: 30 });
  assert.deepEqual(input, [30, 10, 20]);
  assert.deepEqual(summarizeLatency([]), { count: 0, avg: null, p95: null, p99: null });
});

Deno.test("RollingWindow keeps only the newest values", () => {
  const w = new RollingWindow(3);
  for (const v of [1, 2, 3, 4, 5]) w.push(v);
  assert.deepEqual(w.values(), [3, 4, 5]);
});

Deno.test("precision() and recall() follow the simulator's labels and are undefined when empty", () => {
  const c = emptyConfusion();
  assert.equal(precision(c), null);
  assert.equal(recall(c), null);
  addVerdict(c, { flagged: true, truth: true });
  addVerdict(c, { flagged: true, truth: false });
  addVerdict(c, { flagged: false, truth: true });
  addVerdict(c, { flagged: false, truth: true });
  addVerdict(c, { flagged: false, truth: false });
  assert.deepEqual(c, { tp: 1, fp: 1, fn: 2, tn: 1 });
  assert.equal(precision(c), 0.5);
  assert.equal(recall(c), 1 / 3);
  assert.equal(formatRatio(0.5), "50.0 %");
  assert.equal(formatRatio(null), "—");
  assert.equal(formatMs(1.234), "1.2 ms");
});

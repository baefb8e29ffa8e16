import assert from "node:assert/strict";
import { outcome, precision, recall, tally } from "./feedback.ts";

Deno.test("outcome() names each confusion-matrix cell", () => {
  assert.equal(outcome(true, true), "tp");
  assert.equal(outcome(true, false), "fp");
  assert.equal(outcome(false, true), "fn");
  assert.equal(outcome(false, false), "tn");
});

Deno.test("tally() counts outcomes and precision/recall follow from them", () => {
  const t = tally([true, true, false, false, true], [true, false, true, false, true]);
  assert.deepEqual(t, { tp: 2, fp: 1, fn: 1, tn: 1 });
  assert.equal(precision(t), 2 / 3);
  assert.equal(recall(t), 2 / 3);
  assert.equal(precision({ tp: 0, fp: 0, fn: 1, tn: 0 }), null);
  assert.equal(recall({ tp: 0, fp: 1, fn: 0, tn: 0 }), null);
});

Deno.test("tally() rejects lists of different length", () => {
  assert.throws(() => tally([true], []), /same length, got 1 and 0/);
});

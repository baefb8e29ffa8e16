import assert from "node:assert/strict";
import { addServed, busiest, servedDelta } from "./served_counts.ts";

Deno.test("servedDelta() reports only what each instance answered since the last report", () => {
  assert.deepEqual(servedDelta({}, { "pod-a": 3 }), { "pod-a": 3 });
  assert.deepEqual(
    servedDelta({ "pod-a": 3, "pod-b": 5 }, { "pod-a": 7, "pod-b": 5, "pod-c": 1 }),
    { "pod-a": 4, "pod-c": 1 },
  );
  // A report that went back (a new burst restarts its counts) adds nothing.
  assert.deepEqual(servedDelta({ "pod-a": 9 }, { "pod-a": 2 }), {});
});

Deno.test("addServed() accumulates increments and busiest() ranks the top n", () => {
  const totals = {};
  addServed(totals, { "pod-a": 2, "pod-b": 1 });
  addServed(totals, { "pod-b": 5, "pod-c": 1 });
  assert.deepEqual(totals, { "pod-a": 2, "pod-b": 6, "pod-c": 1 });
  assert.deepEqual(busiest(totals), [["pod-b", 6], ["pod-a", 2], ["pod-c", 1]]);
  assert.deepEqual(busiest(totals, 2), [["pod-b", 6], ["pod-a", 2]]);
  assert.deepEqual(busiest({}, 3), []);
});

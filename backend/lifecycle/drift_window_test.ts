import assert from "node:assert/strict";
import { driftReference } from "../detector/drift_reference.ts";
import { DriftWindow } from "./drift_window.ts";

function uniformReference() {
  const n = 1000;
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) m[i] = i / n;
  return driftReference(m, ["x"]);
}

const rows = (values: number[]) => values.map((x) => ({ x }));

Deno.test("DriftWindow reports nothing until minReadings, then near 0 for the training distribution", () => {
  const w = new DriftWindow(uniformReference(), { capacity: 1000, minReadings: 100 });
  w.observe(rows(Array.from({ length: 99 }, (_, i) => i / 99)));
  assert.equal(w.psi(), null);
  w.observe(rows(Array.from({ length: 901 }, (_, i) => (i * 7919 % 901) / 901)));
  assert.equal(w.size, 1000);
  assert.ok(w.psi()!.x < 0.02, `${w.psi()!.x}`);
});

Deno.test("DriftWindow sees a shift and forgets it once the window has slid past", () => {
  const w = new DriftWindow(uniformReference(), { capacity: 500 });
  const shifted = rows(Array.from({ length: 500 }, (_, i) => 0.8 + (i / 500) * 0.4));
  w.observe(shifted);
  assert.ok(w.psi()!.x > 0.25, `shifted ${w.psi()!.x}`);
  w.observe(rows(Array.from({ length: 500 }, (_, i) => (i * 7919 % 500) / 500)));
  assert.ok(w.psi()!.x < 0.05, `after sliding ${w.psi()!.x}`);
  assert.equal(w.size, 500);
});

Deno.test("DriftWindow rejects a non-positive capacity", () => {
  assert.throws(() => new DriftWindow(uniformReference(), { capacity: 0 }), /got 0/);
});

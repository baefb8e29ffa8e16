import assert from "node:assert/strict";
import { driftReference } from "../detector/mod.ts";
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

Deno.test("DriftWindow gives the same PSI for a batch as for its readings one by one, across wrap-arounds", () => {
  const m = new Float64Array(2000);
  for (let i = 0; i < 1000; i++) {
    m[2 * i] = i / 1000;
    m[2 * i + 1] = (i * 7919 % 1000) / 100;
  }
  const reference = driftReference(m, ["a", "b"]);
  const batched = new DriftWindow(reference, { capacity: 37, minReadings: 1 });
  const single = new DriftWindow(reference, { capacity: 37, minReadings: 1 });
  let seed = 1;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (const size of [1, 5, 36, 37, 38, 80, 3, 0, 12]) {
    const batch = Array.from({ length: size }, () => ({ a: random() * 1.5, b: random() * 10 }));
    batched.observe(batch);
    for (const reading of batch) single.observe([reading]);
    assert.deepEqual(batched.psi(), single.psi());
    assert.equal(batched.size, single.size);
  }
});

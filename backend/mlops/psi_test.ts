import assert from "node:assert/strict";
import { psi } from "./psi.ts";

Deno.test("psi() is 0 for the reference distribution itself", () => {
  assert.equal(psi([0.25, 0.25, 0.5], [25, 25, 50], 100), 0);
  assert.equal(psi([0.5, 0.5], [0, 0], 0), 0);
});

Deno.test("psi() grows with the shift and passes 0.25 for a large one", () => {
  const ref = Array(10).fill(0.1);
  const small = psi(ref, [12, 11, 10, 10, 10, 10, 10, 10, 9, 8], 100);
  const large = psi(ref, [0, 0, 0, 0, 0, 10, 10, 20, 30, 30], 100);
  assert.ok(small > 0 && small < 0.1, `small shift ${small}`);
  assert.ok(large > 0.25, `large shift ${large}`);
});

Deno.test("psi() stays finite when a bin is empty on either side", () => {
  const value = psi([0, 0.5, 0.5], [10, 0, 0], 10);
  assert.ok(Number.isFinite(value) && value > 1);
});

Deno.test("psi() rejects mismatched bins", () => {
  assert.throws(() => psi([1], [1, 2], 3), /same bins, got 1 and 2/);
});

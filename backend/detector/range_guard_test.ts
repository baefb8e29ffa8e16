import assert from "node:assert/strict";
import { beyondTrainingRange, RANGE_GUARD_SD } from "./range_guard.ts";

const stats = { mean: [230, 10, 50], sd: [4, 2, 0] };

Deno.test("beyondTrainingRange() flags a value more than RANGE_GUARD_SD sd from its mean", () => {
  const k = RANGE_GUARD_SD;
  assert.equal(beyondTrainingRange([230, 10, 50], stats), false);
  assert.equal(beyondTrainingRange([230 + 4 * k, 10, 50], stats), false);
  assert.equal(beyondTrainingRange([230 + 4 * k + 0.01, 10, 50], stats), true);
  assert.equal(beyondTrainingRange([230, 10 - 2 * k - 0.01, 50], stats), true);
});

Deno.test("beyondTrainingRange() leaves a feature constant in training to the forest", () => {
  assert.equal(beyondTrainingRange([230, 10, 1e9], stats), false);
});

Deno.test("beyondTrainingRange() reads the row at an offset of a matrix", () => {
  const matrix = Float64Array.of(230, 10, 50, 999, 10, 50);
  assert.equal(beyondTrainingRange(matrix, stats, 0), false);
  assert.equal(beyondTrainingRange(matrix, stats, 3), true);
});

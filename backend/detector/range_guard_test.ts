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

Deno.test("beyondTrainingRange() leaves a value the training data held to the forest", () => {
  // A two-valued column, 1 in 0.1 % of training rows: 1 is 31.6 sd out, but was seen.
  const rare = { mean: [0.001], sd: [Math.sqrt(0.001 * 0.999)], min: [0], max: [1] };
  assert.equal(beyondTrainingRange([1], rare), false);
  assert.equal(beyondTrainingRange([2], rare), true);
  // Without a stored range (older artifacts), the sd alone decides.
  assert.equal(beyondTrainingRange([1], { mean: rare.mean, sd: rare.sd }), true);
});

import assert from "node:assert/strict";
import { buildTree, referenceC, referencePathLength, referenceScore } from "./_reference.ts";
import { packForest } from "./isolation_forest.ts";

const EULER = 0.5772156649015329;

// Two trees over one feature, grown on 4 rows. Tree 0: x < 5 goes to a leaf of 1 row, else a
// leaf of 3. Tree 1: x < 2 goes to a leaf of 2 rows, else a split at 8 into leaves of 1 and 1.
const forest = packForest({
  nFeatures: 1,
  sampleSize: 4,
  roots: [0, 3],
  feature: [0, -1, -1, 0, -1, 0, -1, -1],
  split: [5, 0, 0, 2, 0, 8, 0, 0],
  left: [1, -1, -1, 4, -1, 6, -1, -1],
  right: [2, -1, -1, 5, -1, 7, -1, -1],
  size: [4, 1, 3, 4, 2, 2, 1, 1],
});

Deno.test("referenceC() is 2H(n-1) - 2(n-1)/n, with c(2) = 1 and c(1) = c(0) = 0", () => {
  assert.equal(referenceC(0), 0);
  assert.equal(referenceC(1), 0);
  assert.equal(referenceC(2), 1);
  assert.ok(Math.abs(referenceC(3) - (2 * (Math.log(2) + EULER) - 4 / 3)) < 1e-15);
  // Python: 2 * (math.log(255) + 0.5772156649015329) - 2 * 255 / 256
  assert.ok(Math.abs(referenceC(256) - 10.244770920119917) < 1e-12, `${referenceC(256)}`);
  // ln(i) + γ approximates the harmonic number H(i) to within 1/(2i).
  let harmonic = 0;
  for (let i = 1; i <= 255; i++) harmonic += 1 / i;
  assert.ok(Math.abs(referenceC(256) - (2 * harmonic - (2 * 255) / 256)) < 2 / 255);
});

Deno.test("buildTree() follows the explicit child indices into nested nodes", () => {
  assert.deepEqual(buildTree(forest, 3), {
    kind: "split",
    feature: 0,
    value: 2,
    left: { kind: "leaf", size: 2 },
    right: {
      kind: "split",
      feature: 0,
      value: 8,
      left: { kind: "leaf", size: 1 },
      right: { kind: "leaf", size: 1 },
    },
  });
});

Deno.test("referencePathLength() adds the edges walked and c() of the leaf's size", () => {
  const tree0 = buildTree(forest, 0);
  const tree1 = buildTree(forest, 3);
  assert.equal(referencePathLength([1], tree0), 1 + referenceC(1));
  assert.equal(referencePathLength([9], tree0), 1 + referenceC(3));
  assert.equal(referencePathLength([1], tree1), 1 + referenceC(2));
  assert.equal(referencePathLength([9], tree1), 2);
  // The split is "x < value": a value equal to the split goes right.
  assert.equal(referencePathLength([5], tree0), 1 + referenceC(3));
});

Deno.test("referenceScore() is 2^(-mean path length / c(sample size))", () => {
  const meanPath = ((1 + referenceC(1)) + (1 + referenceC(2))) / 2;
  assert.equal(referenceScore([1], forest), 2 ** (-meanPath / referenceC(4)));
  const far = ((1 + referenceC(3)) + 2) / 2;
  assert.equal(referenceScore([9], forest), 2 ** (-far / referenceC(4)));
  // Isolated in fewer steps, the first point scores higher.
  assert.ok(referenceScore([1], forest) > referenceScore([9], forest));
});

import assert from "node:assert/strict";
import {
  averagePathLength,
  type ForestArrays,
  growForest,
  heightLimit,
  IsolationForest,
} from "./isolation_forest.ts";
import { buildTree, referenceScore, type RefNode } from "./_reference.ts";
import { simulate } from "../../lib/simulator/simulator.ts";

function matrixOf(rows: readonly (readonly number[])[]): Float64Array {
  return Float64Array.from(rows.flat());
}

function simulatedRows(n: number, seed: number, anomalyRate = 0): number[][] {
  return simulate(n, { seed, anomalyRate }).map((r) => [r.voltage, r.current, r.frequency]);
}

function depthOf(node: RefNode): number {
  return node.kind === "leaf" ? 0 : 1 + Math.max(depthOf(node.left), depthOf(node.right));
}

Deno.test("averagePathLength() follows c(n) from Liu et al. 2008", () => {
  assert.equal(averagePathLength(0), 0);
  assert.equal(averagePathLength(1), 0);
  assert.equal(averagePathLength(2), 1);
  // c(256) = 2 (ln 255 + γ) - 2 * 255 / 256, the paper's default normaliser.
  assert.ok(Math.abs(averagePathLength(256) - 10.244771) < 1e-6, `${averagePathLength(256)}`);
  assert.equal(heightLimit(256), 8);
  assert.equal(heightLimit(200), 8);
});

Deno.test("growForest() gives identical arrays for the same seed and different ones otherwise", () => {
  const data = matrixOf(simulatedRows(2_000, 1));
  const options = { nFeatures: 3, nEstimators: 20, sampleSize: 64, seed: 9 };
  const a = growForest(data, options);
  const b = growForest(data, options);
  assert.deepEqual(a, b);
  const c = growForest(data, { ...options, seed: 10 });
  assert.notDeepEqual(a.split, c.split);
});

Deno.test("growForest() respects the height limit, sample size and pre-order layout", () => {
  const data = matrixOf(simulatedRows(1_000, 2));
  const arrays = growForest(data, { nFeatures: 3, nEstimators: 30, sampleSize: 100, seed: 1 });
  assert.equal(arrays.roots.length, 30);
  assert.equal(arrays.sampleSize, 100);
  for (const root of arrays.roots) {
    assert.equal(arrays.size[root], 100);
    assert.ok(depthOf(buildTree(arrays, root)) <= heightLimit(100));
  }
  for (let i = 0; i < arrays.feature.length; i++) {
    if (arrays.feature[i] === -1) continue;
    assert.equal(arrays.left[i], i + 1);
    assert.ok(arrays.right[i] > i);
    assert.equal(arrays.size[i], arrays.size[arrays.left[i]] + arrays.size[arrays.right[i]]);
  }
});

Deno.test("growForest() caps the sample size at the row count and stops on constant data", () => {
  const constant = matrixOf(Array.from({ length: 10 }, () => [1, 2, 3]));
  const arrays = growForest(constant, { nFeatures: 3, nEstimators: 3, sampleSize: 256, seed: 1 });
  assert.equal(arrays.sampleSize, 10);
  assert.deepEqual([...arrays.feature], [-1, -1, -1]);
  const score = new IsolationForest(arrays).score([1, 2, 3]);
  // Every row lands in a root leaf holding all 10: E[h] = c(10), so s = 0.5.
  assert.ok(Math.abs(score - 0.5) < 1e-15, `${score}`);
});

Deno.test("growForest() rejects bad input with messages that quote the value", () => {
  const data = matrixOf(simulatedRows(10, 1));
  const ok = { nFeatures: 3, nEstimators: 2, sampleSize: 8, seed: 1 };
  assert.throws(() => growForest(data, { ...ok, nEstimators: 0 }), {
    name: "RangeError",
    message: "Tree count must be a positive integer, got 0",
  });
  assert.throws(() => growForest(data, { ...ok, sampleSize: 1 }), /got 1$/);
  assert.throws(() => growForest(data, { ...ok, nFeatures: 4 }), /not a multiple/);
  assert.throws(() => growForest(new Float64Array([1, 2, 3]), ok), /at least 2 rows, got 1/);
  const bad = data.slice();
  bad[4] = NaN;
  assert.throws(() => growForest(bad, ok), /row 1, column 1 must be a finite number, got NaN/);
});

Deno.test("IsolationForest.score() agrees with the recursive reference within 1e-12", () => {
  const arrays: ForestArrays = growForest(matrixOf(simulatedRows(5_000, 3)), {
    nFeatures: 3,
    nEstimators: 200,
    sampleSize: 256,
    seed: 42,
  });
  const forest = new IsolationForest(arrays);
  const probes = [
    ...simulatedRows(300, 77, 0.3),
    [275, 28, 50.7],
    [230, 10, 50],
    [-5, 0, 0],
    [1e9, 1e9, 1e9],
    // Exactly on split values: ties must go right in both scorers.
    [arrays.split[0], arrays.split[0], arrays.split[0]],
  ];
  const batch = forest.scoreMatrix(matrixOf(probes));
  for (let i = 0; i < probes.length; i++) {
    const expected = referenceScore(probes[i], arrays);
    const single = forest.score(probes[i]);
    assert.ok(Math.abs(single - expected) <= 1e-12, `row ${i}: ${single} vs ${expected}`);
    assert.ok(Math.abs(batch[i] - expected) <= 1e-12, `row ${i}: ${batch[i]} vs ${expected}`);
    assert.ok(single > 0 && single < 1);
  }
});

Deno.test("IsolationForest scores simulated anomalies above normal readings", () => {
  const forest = new IsolationForest(
    growForest(matrixOf(simulatedRows(5_000, 4)), {
      nFeatures: 3,
      nEstimators: 100,
      sampleSize: 256,
      seed: 5,
    }),
  );
  const normal = forest.score([230, 10, 50]);
  const spike = forest.score([275, 28, 50.7]);
  assert.ok(spike > 0.6, `spike ${spike}`);
  assert.ok(normal < 0.5, `normal ${normal}`);
});

Deno.test("IsolationForest.scoreMatrix() reuses a large enough output buffer", () => {
  const forest = new IsolationForest(
    growForest(matrixOf(simulatedRows(500, 6)), {
      nFeatures: 3,
      nEstimators: 10,
      sampleSize: 64,
      seed: 1,
    }),
  );
  const out = new Float64Array(4);
  const scores = forest.scoreMatrix(matrixOf([[230, 10, 50], [200, 10, 50]]), out);
  assert.equal(scores, out);
  assert.equal(out[0], forest.score([230, 10, 50]));
  assert.equal(out[1], forest.score([200, 10, 50]));
});

Deno.test("IsolationForest walks deep forests node by node with the same scores", () => {
  // sampleSize 2048 gives height 11, above the compiled limit.
  const arrays = growForest(matrixOf(simulatedRows(3_000, 8)), {
    nFeatures: 3,
    nEstimators: 5,
    sampleSize: 2_048,
    seed: 3,
  });
  const forest = new IsolationForest(arrays);
  const probes = simulatedRows(9, 78, 0.5);
  const batch = forest.scoreMatrix(matrixOf(probes));
  for (let i = 0; i < probes.length; i++) {
    const expected = referenceScore(probes[i], arrays);
    assert.ok(Math.abs(batch[i] - expected) <= 1e-12, `row ${i}: ${batch[i]} vs ${expected}`);
    assert.ok(Math.abs(forest.score(probes[i]) - expected) <= 1e-12);
  }
});

Deno.test("IsolationForest gives one row the same score alone and in a batch, on float32 ties too", () => {
  const arrays = growForest(matrixOf(simulatedRows(2_000, 5)), {
    nFeatures: 3,
    nEstimators: 50,
    sampleSize: 256,
    seed: 9,
  });
  const forest = new IsolationForest(arrays);
  // Rows on each split, and a float64 step either side of it: the three round to the same
  // float32, so the few-rows walk must settle them with the exact split.
  const probes: number[][] = [];
  for (let node = 0; node < arrays.feature.length && probes.length < 600; node++) {
    const f = arrays.feature[node];
    if (f < 0) continue;
    const s = arrays.split[node];
    for (const v of [s, s - Math.abs(s) * 2 ** -52, s + Math.abs(s) * 2 ** -52]) {
      const row = simulatedRows(1, node)[0];
      row[f] = v;
      probes.push(row);
    }
  }
  const batch = forest.scoreMatrix(matrixOf(probes));
  for (let i = 0; i < probes.length; i++) {
    const alone = forest.score(probes[i]);
    assert.equal(alone, batch[i], `row ${i}: ${probes[i]}`);
    assert.ok(Math.abs(alone - referenceScore(probes[i], arrays)) <= 1e-12, `row ${i}`);
  }
});

Deno.test("IsolationForest scores a row the same in batches of every size from 1 to 20", () => {
  const forest = new IsolationForest(
    growForest(matrixOf(simulatedRows(1_000, 12)), {
      nFeatures: 3,
      nEstimators: 30,
      sampleSize: 128,
      seed: 4,
    }),
  );
  const rows = simulatedRows(20, 13, 0.3);
  const alone = rows.map((row) => forest.score(row));
  for (let n = 1; n <= rows.length; n++) {
    const batch = forest.scoreMatrix(matrixOf(rows.slice(0, n)));
    for (let i = 0; i < n; i++) assert.equal(batch[i], alone[i], `batch of ${n}, row ${i}`);
  }
});

import assert from "node:assert/strict";
import { binIndex, driftReference, readDriftReference } from "./drift_reference.ts";

Deno.test("binIndex() counts the edges below the value", () => {
  const edges = [1, 2, 3];
  assert.equal(binIndex(edges, 0), 0);
  assert.equal(binIndex(edges, 1), 0);
  assert.equal(binIndex(edges, 1.5), 1);
  assert.equal(binIndex(edges, 3), 2);
  assert.equal(binIndex(edges, 99), 3);
  assert.equal(binIndex([], 5), 0);
});

Deno.test("driftReference() gives deciles holding a tenth of the training data each", () => {
  const n = 1000;
  const matrix = new Float64Array(n * 2);
  for (let r = 0; r < n; r++) {
    matrix[r * 2] = r;
    matrix[r * 2 + 1] = 7; // constant feature
  }
  const ref = driftReference(matrix, ["a", "b"]);
  assert.equal(ref.features.a.edges.length, 9);
  for (const p of ref.features.a.proportions) assert.ok(Math.abs(p - 0.1) < 0.002, `${p}`);
  assert.deepEqual(ref.features.b, { edges: [7], proportions: [1, 0] });
  assert.deepEqual(readDriftReference({ driftReference: ref }, ["a", "b"]), ref);
});

Deno.test("readDriftReference() returns null when missing or malformed", () => {
  assert.equal(readDriftReference({}, ["a"]), null);
  assert.equal(
    readDriftReference({ driftReference: { method: "quantile-bins", features: {} } }, ["a"]),
    null,
  );
  const bad = {
    method: "quantile-bins",
    features: { a: { edges: [2, 1], proportions: [0, 0, 1] } },
  };
  assert.equal(readDriftReference({ driftReference: bad }, ["a"]), null);
});

import assert from "node:assert/strict";
import { readReferenceSample, referenceSample } from "./reference_sample.ts";

Deno.test("referenceSample() keeps every k-th row, aligned across features, at most maxRows", () => {
  const n = 2_500;
  const matrix = new Float64Array(n * 2);
  for (let r = 0; r < n; r++) {
    matrix[r * 2] = r;
    matrix[r * 2 + 1] = -r;
  }
  const sample = referenceSample(matrix, ["a", "b"], 1_000);
  assert.equal(sample.rows, 834);
  assert.equal(sample.features.a.length, 834);
  assert.deepEqual(sample.features.a.slice(0, 3), [0, 3, 6]);
  assert.equal(sample.features.a.at(-1), 2_499);
  assert.deepEqual(sample.features.b.slice(0, 3), [-0, -3, -6]);
  assert.deepEqual(readReferenceSample({ referenceSample: sample }, ["a", "b"]), sample);
});

Deno.test("referenceSample() keeps a small training set whole", () => {
  const sample = referenceSample(Float64Array.of(1, 2, 3), ["x"], 1_000);
  assert.deepEqual(sample, { method: "systematic", rows: 3, features: { x: [1, 2, 3] } });
});

Deno.test("readReferenceSample() returns null for an old artifact or a damaged sample", () => {
  assert.equal(readReferenceSample({}, ["a"]), null);
  const ok = { method: "systematic", rows: 2, features: { a: [1, 2] } };
  assert.equal(readReferenceSample({ referenceSample: { ...ok, method: "x" } }, ["a"]), null);
  assert.equal(readReferenceSample({ referenceSample: ok }, ["a", "b"]), null);
  assert.equal(
    readReferenceSample({ referenceSample: { ...ok, features: { a: [1, null] } } }, ["a"]),
    null,
  );
  assert.equal(readReferenceSample({ referenceSample: { ...ok, rows: 3 } }, ["a"]), null);
  assert.equal(readReferenceSample({ referenceSample: null }, ["a"]), null);
});

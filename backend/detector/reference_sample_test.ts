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

Deno.test("referenceSample() keeps the sampled rows' times of day when every row has a time", () => {
  const day = Date.UTC(2026, 0, 1);
  const matrix = Float64Array.from({ length: 4 }, (_, r) => r);
  const times = [day, day + 3_600_000, day + 86_400_000 + 1_500, day - 1_000];
  const sample = referenceSample(matrix, ["x"], 2, times);
  // Rows 0 and 2 (every second row): midnight, and 1.5 s past the next midnight.
  assert.deepEqual(sample.timeOfDay, [0, 1]);
  assert.equal(referenceSample(matrix, ["x"], 2, [day, NaN, day, day]).timeOfDay, undefined);
  assert.equal(referenceSample(matrix, ["x"], 2).timeOfDay, undefined);
  const ok = { method: "systematic", rows: 2, features: { x: [1, 2] } };
  const timed = { ...ok, timeOfDay: [0, 86_399] };
  assert.deepEqual(readReferenceSample({ referenceSample: timed }, ["x"]), timed);
  // A damaged time column costs the matching by hours, not the sample.
  for (const timeOfDay of [[0], [0, 86_400], [0, 1.5], "x"]) {
    assert.deepEqual(readReferenceSample({ referenceSample: { ...ok, timeOfDay } }, ["x"]), ok);
  }
});

import assert from "node:assert/strict";
import { medianDistance, mmdTest } from "./mmd.ts";
import { createRng, gaussian } from "../../lib/simulator/rng.ts";

const draw = (rng: () => number, n: number, shift: number, corr = 0) => {
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const a = gaussian(rng, shift, 1);
    out[i * 2] = a;
    out[i * 2 + 1] = corr * a + Math.sqrt(1 - corr * corr) * gaussian(rng, 0, 1);
  }
  return out;
};

Deno.test("mmdTest() flags a shifted sample and not a fresh draw of the same one", () => {
  const rng = createRng(3);
  const ref = draw(rng, 150, 0);
  const options = { dims: 2, bandwidth: medianDistance(ref, 2), permutations: 199, rng };
  assert.ok(mmdTest(ref, draw(rng, 150, 1), options).pValue <= 0.01);
  assert.ok(mmdTest(ref, draw(rng, 150, 0), options).pValue > 0.05);
});

Deno.test("mmdTest() sees a change of correlation that leaves both marginals alone", () => {
  const rng = createRng(5);
  const ref = draw(rng, 200, 0, 0);
  const options = { dims: 2, bandwidth: medianDistance(ref, 2), permutations: 199, rng };
  assert.ok(mmdTest(ref, draw(rng, 200, 0, 0.95), options).pValue <= 0.01);
});

Deno.test("mmdTest() p-values are uniform-ish under the null: about 5 % fall at or below 0.05", () => {
  const rng = createRng(11);
  let low = 0;
  const runs = 60;
  for (let r = 0; r < runs; r++) {
    const a = draw(rng, 60, 0);
    const options = { dims: 2, bandwidth: medianDistance(a, 2), permutations: 99, rng };
    if (mmdTest(a, draw(rng, 60, 0), options).pValue <= 0.05) low++;
  }
  assert.ok(low <= 9, `${low} of ${runs} at or below 0.05`);
});

Deno.test("medianDistance() is the median pairwise distance", () => {
  assert.equal(medianDistance(Float64Array.of(0, 1, 3), 1), 2);
  assert.equal(medianDistance(Float64Array.of(5, 5), 1), 1);
});

Deno.test("mmdTest() rejects samples of fewer than 2 rows", () => {
  const rng = createRng(1);
  assert.throws(
    () =>
      mmdTest(Float64Array.of(1), Float64Array.of(1, 2), {
        dims: 1,
        bandwidth: 1,
        permutations: 9,
        rng,
      }),
    /2 rows or more, got 1 and 2/,
  );
});

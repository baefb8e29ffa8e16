/** Property-based robustness: no JSON body, however strange, gets a 5xx or breaks the server. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { postPredict, testApp } from "./_app.ts";

const value = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 230, 1e308, -1e308, 5e-324),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);
const key = fc.oneof(
  fc.constantFrom(
    "voltage",
    "current",
    "frequency",
    "timestamp",
    "__proto__",
    "constructor",
    "voltag",
  ),
  fc.string({ maxLength: 8 }),
);
const reading = fc.dictionary(key, value, { maxKeys: 6 });
const nearValid = fc.record({ readings: fc.array(fc.oneof(reading, value), { maxLength: 12 }) });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const validReading = fc.record({ voltage: finite, current: finite, frequency: finite });
const validBody = fc.array(validReading, { minLength: 1, maxLength: 8 }).map((readings) =>
  JSON.stringify({ readings })
);
const bodies = fc.oneof(
  validBody,
  fc.json({ maxDepth: 4 }),
  nearValid.map((b) => JSON.stringify(b)),
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ readings: [v] })),
);

Deno.test("POST /predict never answers 5xx to 2,500 random bodies and keeps serving", async () => {
  const { app } = testApp({ realModel: true });
  const seen = new Set<number>();
  await fc.assert(
    fc.asyncProperty(bodies, async (body) => {
      const res = await postPredict(app, body);
      seen.add(res.status);
      const text = await res.text();
      assert.ok(res.status < 500, `${res.status} for ${body.slice(0, 200)}: ${text}`);
      if (res.status !== 200) {
        const problem = JSON.parse(text);
        assert.equal(problem.status, res.status);
        assert.equal(typeof problem.detail, "string");
      }
    }),
    { numRuns: 2_500, seed: 20261127 },
  );
  // The generator reaches both valid and invalid requests.
  assert.ok(seen.has(200) && seen.has(422) && seen.has(400), `statuses seen: ${[...seen]}`);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const health = await app.request("/health");
  assert.equal(health.status, 200);
});

import assert from "node:assert/strict";
import { predictBodies } from "./payload.ts";

Deno.test("predictBodies() returns count bodies of batchSize valid readings", () => {
  const bodies = predictBodies(3, 64, { anomalyRate: 0.1, seed: 7 });
  assert.equal(bodies.length, 3);
  for (const body of bodies) {
    const parsed = JSON.parse(body) as { readings: Record<string, unknown>[] };
    assert.equal(parsed.readings.length, 64);
    for (const r of parsed.readings) {
      assert.deepEqual(Object.keys(r).sort(), ["current", "frequency", "timestamp", "voltage"]);
      assert.ok(Number.isFinite(r.voltage) && Number.isFinite(r.frequency));
    }
  }
  assert.notEqual(bodies[0], bodies[1]);
});

Deno.test("predictBodies() is reproducible from its seed", () => {
  assert.deepEqual(predictBodies(2, 8, { seed: 3 }), predictBodies(2, 8, { seed: 3 }));
  assert.notDeepEqual(predictBodies(2, 8, { seed: 3 }), predictBodies(2, 8, { seed: 4 }));
});

Deno.test("predictBodies() injects anomalies at the requested rate", () => {
  const [body] = predictBodies(1, 2000, { anomalyRate: 0.5, seed: 1 });
  const readings = (JSON.parse(body) as { readings: { voltage: number; current: number }[] })
    .readings;
  const odd = readings.filter((r) => r.voltage < 205 || r.voltage > 255 || r.current > 24);
  assert.ok(odd.length > 300, `expected many off-nominal readings, got ${odd.length}`);
});

Deno.test("predictBodies() rejects a non-positive batch size with a RangeError", () => {
  assert.throws(() => predictBodies(1, 0), { name: "RangeError", message: /Batch size .* got 0/ });
  assert.throws(() => predictBodies(0, 1), { name: "RangeError", message: /Body count/ });
});

Deno.test("predictBodies() applies a shift to the same stream", () => {
  const plain = JSON.parse(predictBodies(1, 16, { seed: 3 })[0]).readings;
  const shifted = JSON.parse(predictBodies(1, 16, { seed: 3, shift: { voltageScale: 1.02 } })[0])
    .readings;
  shifted.forEach((r: { voltage: number; current: number }, i: number) => {
    assert.ok(Math.abs(r.voltage - plain[i].voltage * 1.02) < 0.01);
    assert.equal(r.current, plain[i].current);
  });
});

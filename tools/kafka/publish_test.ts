import assert from "node:assert/strict";
import { readingValue } from "./publish.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

Deno.test("readingValue() sends what a meter sends: no ground truth", () => {
  const r = simulateFleet({ seed: 3, meters: 2, readingsPerMeter: 5 }).readings[3];
  const value = JSON.parse(readingValue(r));
  assert.deepEqual(Object.keys(value), [
    "meter_id",
    "timestamp",
    "voltage",
    "current",
    "frequency",
  ]);
  assert.equal(value.meter_id, r.meter_id);
  assert.equal(value.voltage, r.voltage);
  assert.ok(!("anomaly" in value) && !("kind" in value) && !("event" in value));
});

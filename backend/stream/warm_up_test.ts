import assert from "node:assert/strict";
import { warmUp, warmUpRecords } from "./warm_up.ts";
import { FEATURES, fitTemporal, toMatrix } from "../detector/mod.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

const training = simulateFleet({ seed: 1, meters: 3, readingsPerMeter: 300, kinds: [] }).readings;
const model = fitTemporal(toMatrix(training), FEATURES, { window: 6, contamination: 0.02 }, {
  meters: training.map((r) => r.meter_id),
});

Deno.test("warmUpRecords() gives the requested count of keyed, in-order records", () => {
  const records = warmUpRecords(250);
  assert.equal(records.length, 250);
  const dec = new TextDecoder();
  const first = JSON.parse(dec.decode(records[0].value!));
  assert.equal(dec.decode(records[0].key!), first.meter_id);
  assert.ok(Number.isFinite(first.voltage) && typeof first.timestamp === "string");
});

Deno.test("warmUp() scores every simulated reading through the scorer's path", () => {
  // Every record is valid and in order per meter: none is dead-lettered or skipped.
  assert.equal(warmUp(model, 3, 200), 600);
});

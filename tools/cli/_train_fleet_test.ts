import assert from "node:assert/strict";
import { FLEET, fleetDataset, trainOnFleet } from "./_train_fleet.ts";
import { DEFAULT_MODEL_CONFIG, FEATURES, TemporalModel } from "../../backend/detector/mod.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

Deno.test("fleetDataset() makes a labeled file of the fleet: meters as streams, times parsed", () => {
  const readings = simulateFleet({ seed: 3, meters: 2, readingsPerMeter: 50 }).readings;
  const ds = fleetDataset("fleet", readings);
  assert.equal(ds.path, "fleet");
  assert.equal(ds.data.rows, 100);
  assert.deepEqual([...ds.data.matrix.subarray(0, 3)], [
    readings[0].voltage,
    readings[0].current,
    readings[0].frequency,
  ]);
  assert.deepEqual(ds.data.labels, readings.map((r) => r.anomaly));
  assert.deepEqual(ds.data.meters, readings.map((r) => r.meter_id));
  assert.equal(ds.data.times![0], Date.parse(readings[0].timestamp));
  assert.deepEqual(ds.data.lines.slice(0, 3), [2, 3, 4]);
});

Deno.test("trainOnFleet() fits on a normal day and evaluates on the next day's events", () => {
  const trained = trainOnFleet(7, {
    features: [...FEATURES],
    detector: "temporal",
    config: DEFAULT_MODEL_CONFIG,
    quantile: 0.01,
    window: 8,
    grid: {},
  });
  assert.ok(trained.model instanceof TemporalModel);
  assert.equal(trained.model.parts.meters.ids.length, FLEET.meters);
  const [day1, day2] = trained.datasets;
  const perDay = FLEET.meters * FLEET.readingsPerMeter;
  assert.equal(day1.data.rows, perDay);
  assert.equal(day2.data.rows, perDay);
  assert.ok(day1.data.labels!.every((l) => !l), "the training day is normal");
  assert.ok(day2.data.labels!.some((l) => l), "the evaluation day has events");
  // The same meters, and the second day starts where the first ends.
  assert.deepEqual(new Set(day2.data.meters), new Set(day1.data.meters));
  const end = Math.max(...day1.data.times!);
  assert.equal(Math.min(...day2.data.times!), end + FLEET.intervalMs);
  assert.deepEqual(trained.splits.map((s) => [s.trainRows, s.fit.length, s.test.length]), [
    [perDay, perDay, 0],
    [0, 0, perDay],
  ]);
  assert.match(
    trained.dataText,
    /^34560 normal readings of 4 simulated meters, one day at 10 s \(seed 7\)$/,
  );
  assert.match(
    trained.evaluationText,
    /^the next simulated day, 34560 readings with temporal events \(seed 8\)$/,
  );
  assert.deepEqual(trained.model.parts.training.data, {
    source: "simulator fleet",
    seed: 7,
    meters: 4,
    intervalMs: 10_000,
    rows: perDay,
  });
});

import assert from "node:assert/strict";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { trainFleetTemporal, TRAINING_FLEET } from "./fleet_training.ts";

Deno.test("trainFleetTemporal() gives every fleet meter a baseline and flags a sustained sag", () => {
  const model = trainFleetTemporal({ seed: 42, source: "test" });
  assert.equal(model.info.name, "temporal_window");
  assert.equal(model.info.source, "test");
  assert.equal(model.parts.meters.ids.length, TRAINING_FLEET.meters);
  const day = simulateFleet({
    seed: 5,
    meterSeed: 42,
    meters: TRAINING_FLEET.meters,
    readingsPerMeter: 600,
    intervalMs: TRAINING_FLEET.intervalMs,
    kinds: ["sustained_sag"],
  });
  const flags = model.predict(day.readings);
  const sagRows = day.readings.flatMap((r, i) => r.kind === "sustained_sag" ? [i] : []);
  assert.ok(sagRows.length > 0);
  const caught = sagRows.filter((i) => flags[i].anomaly).length / sagRows.length;
  const normal = day.readings.flatMap((r, i) => r.anomaly ? [] : [i]);
  const falseAlarms = normal.filter((i) => flags[i].anomaly).length / normal.length;
  assert.ok(caught > 0.8, `caught ${caught}`);
  assert.ok(falseAlarms < 0.05, `false alarms ${falseAlarms}`);
});

Deno.test("trainFleetTemporal() learns the project's meters whatever the seed of its day", () => {
  const a = trainFleetTemporal({ seed: 1, source: "test" });
  const b = trainFleetTemporal({ seed: 2, source: "test" });
  assert.notEqual(a.info.version, b.info.version);
  // The same meters: baselines agree within noise (operating points differ by volts between meters).
  a.parts.meters.mean.forEach((m, i) =>
    assert.ok(Math.abs(m - b.parts.meters.mean[i]) < 1, `${i}`)
  );
});

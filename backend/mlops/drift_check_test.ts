import assert from "node:assert/strict";
import { DEFAULT_MODEL_CONFIG, trainModel } from "../detector/mod.ts";
import { Simulator } from "../../lib/simulator/simulator.ts";
import type { Shift } from "../../lib/simulator/shift.ts";
import { DriftCheck, type DriftSettings } from "./drift_check.ts";

const SETTINGS: DriftSettings = {
  capacity: 5_000,
  maxAgeSeconds: 300,
  minReadings: 500,
  alpha: 0.01,
  minStatistic: 0.1,
};

const model = trainModel({ ...DEFAULT_MODEL_CONFIG });

/**
 * One window of workshop-like traffic: 300 s of batches of 64, from a simulator stream with 5 %
 * anomalies. One reading per simulated minute, so a window spans days of the daily load curve, as
 * `deno task load` (one reading per simulated second, thousands per wall-clock second) does.
 */
function window(seed: number, shift: Shift = {}): DriftCheck {
  let now = 0;
  const check = new DriftCheck(model.info.features, model.info.training, {
    ...SETTINGS,
    seed,
    now: () => now,
  });
  const sim = new Simulator({ seed, anomalyRate: 0.05, intervalMs: 60_000, shift });
  for (now = 0; now < 300_000; now += 500) check.observe(sim.batch(64));
  now = 299_999;
  return check;
}

Deno.test("DriftCheck flags voltage_scale=1.02 within one window, and stays quiet on unshifted traffic", () => {
  const windows = 40;
  let quiet = 0;
  let drift = 0;
  for (let k = 0; k < windows; k++) {
    const plain = window(1_000 + k).evaluate();
    assert.equal(plain.window.readings, 5_000);
    if (plain.features.voltage.ks_p_value! > 0.05) quiet++;
    if (plain.verdict === "drift") drift++;
    const shifted = window(2_000 + k, { voltageScale: 1.02 }).evaluate();
    assert.ok(shifted.features.voltage.ks_p_value! < 0.01, `window ${k}`);
    assert.equal(shifted.features.voltage.verdict, "drift");
    assert.equal(shifted.verdict, "drift");
  }
  assert.ok(quiet >= 0.95 * windows, `voltage quiet in ${quiet} of ${windows} windows`);
  assert.ok(drift <= 0.05 * windows, `a drift verdict in ${drift} of ${windows} windows`);
});

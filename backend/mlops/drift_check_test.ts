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
  minStatistic: 0.15,
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

Deno.test("DriftCheck of an artifact without a training sample says no_reference and keeps PSI", () => {
  const { referenceSample: _, ...old } = model.info.training;
  const check = new DriftCheck(model.info.features, old, { ...SETTINGS, now: () => 0 });
  check.observe(new Simulator({ seed: 3 }).batch(1_000));
  const result = check.evaluate();
  assert.equal(result.verdict, "no_reference");
  assert.equal(result.reference_rows, null);
  assert.equal(result.features.voltage.verdict, "no_reference");
  assert.equal(result.features.voltage.ks_p_value, null);
  assert.ok(result.features.voltage.psi !== null && result.features.voltage.psi < 0.25);
  assert.equal(result.multivariate.verdict, "no_reference");
});

Deno.test("DriftCheck says insufficient_data below DRIFT_MIN_READINGS and once the data is stale", () => {
  let now = 0;
  const check = new DriftCheck(model.info.features, model.info.training, {
    ...SETTINGS,
    cacheMs: 0,
    now: () => now,
  });
  check.observe(new Simulator({ seed: 4 }).batch(499));
  assert.equal(check.evaluate().verdict, "insufficient_data");
  assert.equal(check.evaluate().features.voltage.ks_p_value, null);
  check.observe(new Simulator({ seed: 5 }).batch(1));
  assert.notEqual(check.evaluate().verdict, "insufficient_data");
  assert.equal(typeof check.evaluate().features.voltage.ks_p_value, "number");
  now = 301_000;
  const stale = check.evaluate();
  assert.equal(stale.verdict, "insufficient_data");
  assert.equal(stale.window.readings, 0);
});

Deno.test("DriftCheck reuses its result for cacheMs, whatever arrives meanwhile", () => {
  let now = 0;
  const check = new DriftCheck(model.info.features, model.info.training, {
    ...SETTINGS,
    cacheMs: 5_000,
    now: () => now,
  });
  check.observe(new Simulator({ seed: 6 }).batch(600));
  const first = check.evaluate();
  check.observe(new Simulator({ seed: 7, shift: { voltageScale: 1.1 } }).batch(600));
  now = 4_999;
  assert.equal(check.evaluate(), first);
  now = 5_000;
  assert.equal(check.evaluate().features.voltage.verdict, "drift");
});

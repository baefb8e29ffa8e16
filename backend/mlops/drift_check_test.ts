import assert from "node:assert/strict";
import { DEFAULT_MODEL_CONFIG, toMatrix, trainModel } from "../detector/mod.ts";
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

/** 5,000 readings a second apart from `hour` (UTC) on: a window of live traffic at that hour. */
function hourWindow(
  training: Record<string, unknown>,
  seed: number,
  hour: number,
  shift: Shift = {},
  timestamps = true,
): DriftCheck {
  let now = 0;
  const check = new DriftCheck(model.info.features, training, {
    ...SETTINGS,
    seed,
    now: () => now,
  });
  const sim = new Simulator({ seed, start: Date.UTC(2026, 11, 7, hour), shift });
  for (now = 0; now < 300_000; now += 3_000) {
    const batch = sim.batch(50);
    check.observe(timestamps ? batch : batch.map(({ timestamp: _, ...r }) => r));
  }
  now = 299_999;
  return check;
}

Deno.test("DriftCheck compares a window with the training rows of its hours: quiet at the evening peak, still flags a 2 % voltage shift there", () => {
  const windows = 20;
  let quiet = 0;
  for (let k = 0; k < windows; k++) {
    const plain = hourWindow(model.info.training, 3_000 + k, 19).evaluate();
    assert.equal(plain.reference_match, "time_of_day");
    // 18:15 to 21:15 of a day's 3,334 sampled rows (every third of 10,000): about an eighth.
    assert.ok(
      plain.reference_rows! > 350 && plain.reference_rows! < 480,
      `${plain.reference_rows}`,
    );
    if (plain.verdict === "no_drift") quiet++;
    // PSI too is taken against the matched rows: the evening's load is no "significant" shift.
    assert.ok(plain.features.current.psi! < 0.25, `current PSI ${plain.features.current.psi}`);
    const shifted = hourWindow(model.info.training, 4_000 + k, 19, { voltageScale: 1.02 })
      .evaluate();
    assert.equal(shifted.features.voltage.verdict, "drift", `window ${k}`);
    assert.ok(shifted.features.voltage.psi! > 0.25, `voltage PSI ${shifted.features.voltage.psi}`);
  }
  assert.ok(quiet >= 0.9 * windows, `no drift in ${quiet} of ${windows} evening windows`);
  // Against the whole day, the evening's normal load is a shift: what the matching avoids.
  const untimed = {
    ...model.info.training,
    referenceSample: { ...sample(), timeOfDay: undefined },
  };
  const whole = hourWindow(untimed, 5_000, 19).evaluate();
  assert.equal(whole.reference_match, "all_rows");
  assert.equal(whole.features.current.verdict, "drift");
  assert.ok(whole.features.current.psi! > 0.25);
});

function sample(): Record<string, unknown> {
  return model.info.training.referenceSample as Record<string, unknown>;
}

Deno.test("DriftCheck without timestamps on the readings compares with the whole sample", () => {
  const result = hourWindow(model.info.training, 6_000, 1, {}, false).evaluate();
  assert.equal(result.reference_match, "all_rows");
  assert.equal(result.reference_rows, 3_334);
});

Deno.test("DriftCheck says no_reference for hours the training data never covered", () => {
  // Ten thousand consecutive seconds from midnight: 00:00 to 02:47 only.
  const start = Date.UTC(2026, 0, 1);
  const night = new Simulator({ seed: 42, start }).batch(DEFAULT_MODEL_CONFIG.trainingSize);
  const nightModel = trainModel({ ...DEFAULT_MODEL_CONFIG }, {
    data: toMatrix(night),
    times: Float64Array.from(night, (_, i) => start + i * 1000),
    evaluation: false,
  });
  const evening = hourWindow(nightModel.info.training, 7_000, 19).evaluate();
  assert.equal(evening.verdict, "no_reference");
  assert.equal(evening.reference_match, "time_of_day");
  assert.equal(evening.reference_rows, 0);
  assert.equal(evening.features.current.ks_p_value, null);
  const small = hourWindow(nightModel.info.training, 7_001, 1).evaluate();
  assert.equal(small.reference_match, "time_of_day");
  assert.notEqual(small.verdict, "no_reference");
});

import assert from "node:assert/strict";
import {
  DEFAULT_RATED_CURRENT,
  explain,
  explainReading,
  type FeatureStats,
  hasSensorFault,
  REASON_CODES,
} from "./reasons.ts";
import { FEATURES, type Reading } from "./types.ts";

const NORMAL: Reading = { voltage: 230, current: 10, frequency: 50 };
const STATS: FeatureStats = { mean: [230, 10, 50], sd: [3.5, 2, 0.05] };

function codes(reading: Partial<Reading>): string[] {
  return explainReading({ ...NORMAL, ...reading }).map((r) => r.code);
}

function only(reading: Partial<Reading>) {
  const reasons = explainReading({ ...NORMAL, ...reading });
  assert.equal(reasons.length, 1, JSON.stringify(reasons));
  return reasons[0];
}

Deno.test("explainReading() voltage band edges: 206.9 dip, 207 and 253 inside, 253.1 swell", () => {
  assert.deepEqual(only({ voltage: 206.9 }), {
    signal: "voltage",
    code: "voltage_dip",
    message: "Voltage 206.9 V is outside the EN 50160 ±10 % band (207–253 V): a dip to 0.90 pu " +
      "(duration not determinable from one sample)",
    severity: "warning",
    reference: "EN 50160",
  });
  assert.deepEqual(codes({ voltage: 207 }), []);
  assert.deepEqual(codes({ voltage: 253 }), []);
  assert.deepEqual(only({ voltage: 253.1 }), {
    signal: "voltage",
    code: "voltage_swell",
    message: "Voltage 253.1 V is outside the EN 50160 ±10 % band (207–253 V): a swell to 1.10 pu " +
      "(duration not determinable from one sample)",
    severity: "warning",
    reference: "EN 50160",
  });
});

Deno.test("explainReading() interruption below 11.5 V names EN 50160; 11.6 V is a dip", () => {
  assert.deepEqual(only({ voltage: 11.4 }), {
    signal: "voltage",
    code: "interruption",
    message: "Voltage 11.4 V is below 11.5 V (5 % of 230 V): an interruption by the EN 50160 " +
      "definition",
    severity: "critical",
    reference: "EN 50160",
  });
  const dip = only({ voltage: 11.6 });
  assert.equal(dip.code, "voltage_dip");
  assert.match(dip.message, /IEEE 1159 counts below 23 V \(0\.1 pu\) as an interruption/);
  assert.equal(dip.severity, "major");
  assert.doesNotMatch(only({ voltage: 23.1 }).message, /IEEE/);
});

Deno.test("explainReading() never claims non-compliance with a standard", () => {
  for (const v of [0.5, 11.6, 150, 206.9, 253.1, 300]) {
    for (const r of explainReading({ ...NORMAL, voltage: v, frequency: 52 })) {
      assert.doesNotMatch(r.message, /complian|violat|breach/i, r.message);
    }
  }
});

Deno.test("explainReading() dip and swell severities follow -15 % and 1.2 pu", () => {
  assert.equal(only({ voltage: 195.5 }).severity, "warning");
  assert.equal(only({ voltage: 195.4 }).severity, "major");
  assert.equal(only({ voltage: 276 }).severity, "warning");
  assert.equal(only({ voltage: 276.1 }).severity, "major");
});

Deno.test("explainReading() frequency band edges: 49.49 low, 49.5 and 50.5 inside, 50.51 high", () => {
  assert.deepEqual(only({ frequency: 49.49 }), {
    signal: "frequency",
    code: "frequency_low",
    message: "Frequency 49.49 Hz is outside the EN 50160 ±1 % band (49.5–50.5 Hz)",
    severity: "major",
    reference: "EN 50160",
  });
  assert.deepEqual(codes({ frequency: 49.5 }), []);
  assert.deepEqual(codes({ frequency: 50.5 }), []);
  assert.equal(only({ frequency: 50.51 }).code, "frequency_high");
  assert.equal(only({ frequency: 50.51 }).severity, "major");
});

Deno.test("explainReading() frequency beyond ±800 mHz is critical (47, 49.2, 50.8, 52 Hz)", () => {
  assert.equal(only({ frequency: 49.2 }).severity, "major");
  assert.equal(only({ frequency: 50.8 }).severity, "major");
  const low = only({ frequency: 47 });
  assert.equal(low.severity, "critical");
  assert.match(low.message, /beyond the ±800 mHz excursion ENTSO-E plans for \(49\.2–50\.8 Hz\)/);
  assert.equal(only({ frequency: 52 }).severity, "critical");
});

Deno.test("explainReading() current compares with the configured rated current only", () => {
  assert.equal(DEFAULT_RATED_CURRENT, 16);
  assert.deepEqual(codes({ current: 16 }), []);
  assert.deepEqual(only({ current: 16.5 }), {
    signal: "current",
    code: "current_high",
    message: "Current 16.5 A is above the configured rated current of 16 A (RATED_CURRENT)",
    severity: "warning",
    reference: "RATED_CURRENT",
  });
  assert.equal(explainReading({ ...NORMAL, current: 28 }, { ratedCurrent: 32 }).length, 0);
  const high = explainReading({ ...NORMAL, current: 49 }, { ratedCurrent: 32 });
  assert.equal(high[0].severity, "major");
  assert.match(high[0].message, /rated current of 32 A \(RATED_CURRENT\)/);
});

Deno.test("explain() flags physically impossible values as sensor faults, not grid events", () => {
  const cases: [Partial<Reading>, string][] = [
    [{ voltage: -5 }, "Voltage -5 V is physically implausible (expected 0–1000 V)"],
    [{ voltage: 1000.5 }, "Voltage 1000.5 V is physically implausible"],
    [{ frequency: 0 }, "Frequency 0 Hz is physically implausible (expected above 0 and at most"],
    [{ frequency: 150 }, "Frequency 150 Hz"],
    [{ current: -1 }, "Current -1 A is physically implausible (expected 0–10000 A)"],
    [{ current: 1e12 }, "Current 1000000000000 A"],
  ];
  for (const [reading, start] of cases) {
    const r = only(reading);
    assert.equal(r.code, "sensor_fault");
    assert.ok(r.message.startsWith(start), r.message);
    assert.equal(
      hasSensorFault(
        [{ ...NORMAL, ...reading }].map((x) => [
          x.voltage,
          x.current,
          x.frequency,
        ])[0],
        FEATURES,
      ),
      true,
    );
  }
  assert.equal(hasSensorFault([0, 0, 0.001], FEATURES), false);
  assert.equal(hasSensorFault([1000, 10_000, 100], FEATURES), false);
  // A row of a matrix, read from its offset: only that row counts.
  const matrix = [230, 10, 50, 230, -1, 50, 230, 10, 50];
  assert.deepEqual([0, 3, 6].map((at) => hasSensorFault(matrix, FEATURES, at)), [
    false,
    true,
    false,
  ]);
});

Deno.test("explain() lists faults first, then voltage, frequency and current", () => {
  const reasons = explainReading({ voltage: 275, current: 28, frequency: 50.7 });
  assert.deepEqual(reasons.map((r) => r.code), ["voltage_swell", "frequency_high", "current_high"]);
  const mixed = explainReading({ voltage: 150, current: -3, frequency: 49 });
  assert.deepEqual(mixed.map((r) => r.code), ["sensor_fault", "voltage_dip", "frequency_low"]);
});

Deno.test("explain() falls back to the feature furthest from training", () => {
  const r = explain([230, 2.1, 50.01], { features: FEATURES, stats: STATS });
  assert.equal(r.length, 1);
  assert.equal(r[0].code, "model_outlier");
  assert.equal(r[0].signal, "model");
  assert.equal(r[0].feature, "current");
  assert.equal(r[0].severity, "info");
  assert.match(r[0].message, /current 2\.1 A is furthest from the training data \(z = -4\.0;/);
  const f = explain([230, 10, 49.7], { features: FEATURES, stats: STATS })[0];
  assert.equal(f.feature, "frequency");
  assert.equal(f.severity, "warning");
  assert.match(f.message, /outside ENTSO-E normal operation \(49\.8–50\.2 Hz\)/);
  assert.deepEqual(explain([230, 10, 50], { features: FEATURES }), []);
});

Deno.test("explain() handles other feature names and constant training features", () => {
  const r = explain([5, 1], { features: ["a", "b"], stats: { mean: [1, 1], sd: [1, 0] } });
  assert.equal(r[0].feature, "a");
  const inf = explain([1, 2], { features: ["a", "b"], stats: { mean: [1, 1], sd: [1, 0] } });
  assert.equal(inf[0].feature, "b");
  assert.match(inf[0].message, /z = \+∞/);
});

Deno.test("REASON_CODES covers every code explain() produces", () => {
  const seen = new Set<string>();
  for (const v of [-1, 5, 100, 230, 300]) {
    for (const f of [0, 49, 50, 51]) {
      for (const c of [-1, 10, 30]) {
        for (const r of explain([v, c, f], { features: FEATURES, stats: STATS })) seen.add(r.code);
      }
    }
  }
  assert.deepEqual([...seen].sort(), [...REASON_CODES].sort());
});

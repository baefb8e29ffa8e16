import assert from "node:assert/strict";
import {
  type FleetReading,
  REALISTIC_FLEET,
  simulateFleet,
  TEMPORAL_KINDS,
  type TemporalKind,
} from "./fleet.ts";

function streamOf(readings: FleetReading[], meter: string): FleetReading[] {
  return readings.filter((r) => r.meter_id === meter);
}

Deno.test("simulateFleet() gives the same fleet for the same seed", () => {
  const options = { seed: 5, meters: 3, readingsPerMeter: 800, pointAnomalyRate: 0.01 };
  assert.deepEqual(simulateFleet(options), simulateFleet(options));
  assert.notDeepEqual(
    simulateFleet(options).readings,
    simulateFleet({ ...options, seed: 6 }).readings,
  );
});

Deno.test("simulateFleet() interleaves meters in time order with their own baselines", () => {
  const { readings, meters } = simulateFleet({ meters: 4, readingsPerMeter: 3000, kinds: [] });
  assert.equal(readings.length, 12_000);
  assert.deepEqual(readings.slice(0, 4).map((r) => r.meter_id), meters.map((m) => m.meter_id));
  assert.ok(readings.every((r) => !r.anomaly && r.kind === null && r.event === null));
  for (const m of meters) {
    const stream = streamOf(readings, m.meter_id);
    const times = stream.map((r) => Date.parse(r.timestamp));
    assert.ok(times.every((t, i) => i === 0 || t - times[i - 1] === 1000));
    const mean = stream.reduce((a, r) => a + r.voltage, 0) / stream.length;
    // The diurnal load moves voltage by at most 1.5 V around the meter's level.
    assert.ok(Math.abs(mean - m.voltage.mean) < 2, `${m.meter_id}: ${mean} vs ${m.voltage.mean}`);
  }
  const levels = meters.map((m) => m.voltage.mean);
  assert.ok(Math.max(...levels) - Math.min(...levels) > 1, "meters share one baseline");
});

Deno.test("simulateFleet() labels every reading of every event, and only those", () => {
  const { readings, events } = simulateFleet({ seed: 9, meters: 5, readingsPerMeter: 6000 });
  assert.deepEqual([...new Set(events.map((e) => e.kind))].sort(), [...TEMPORAL_KINDS].sort());
  for (const e of events) {
    const stream = streamOf(readings, e.meter_id);
    const inside = stream.slice(e.first, e.first + e.length);
    assert.ok(inside.every((r) => r.anomaly && r.kind === e.kind && r.event === e.id));
    assert.equal(inside[0].timestamp, e.start);
    assert.equal(inside[inside.length - 1].timestamp, e.end);
    // Events never touch: the readings around them are normal.
    assert.equal(stream[e.first - 1].event, null);
    if (e.first + e.length < stream.length) assert.equal(stream[e.first + e.length].event, null);
  }
  const labeled = readings.filter((r) => r.anomaly).length;
  assert.equal(labeled, events.reduce((a, e) => a + e.length, 0));
});

Deno.test("simulateFleet() events change their signal the way their kind says", () => {
  const { readings, events, meters } = simulateFleet({
    seed: 3,
    meters: 4,
    readingsPerMeter: 8000,
  });
  for (const e of events) {
    const stream = streamOf(readings, e.meter_id);
    const inside = stream.slice(e.first, e.first + e.length).map((r) => r[e.signal]);
    const profile = meters.find((m) => m.meter_id === e.meter_id)!;
    const mean = inside.reduce((a, b) => a + b, 0) / inside.length;
    switch (e.kind) {
      case "stuck_sensor":
        assert.equal(new Set(inside).size, 1, `stuck ${e.signal} varies`);
        assert.equal(inside[0], stream[e.first - 1][e.signal]);
        break;
      case "sustained_sag":
        assert.ok(mean < profile.voltage.mean - 5, `sag mean ${mean}`);
        break;
      case "sustained_swell":
        assert.ok(mean > profile.voltage.mean + 5, `swell mean ${mean}`);
        break;
      case "frequency_ramp": {
        const last = inside.slice(-5).reduce((a, b) => a + b, 0) / 5;
        assert.ok(Math.abs(last - 50) > 0.1, `ramp ends at ${last}`);
        break;
      }
      case "oscillation": {
        const sd = Math.sqrt(inside.reduce((a, v) => a + (v - mean) ** 2, 0) / inside.length);
        assert.ok(sd > profile.voltage.sd * 1.3, `oscillation sd ${sd}`);
        break;
      }
      case "drift":
        assert.ok(e.magnitude >= 4, `drift magnitude ${e.magnitude}`);
        break;
    }
  }
});

Deno.test("simulateFleet() adds point anomalies outside events at the requested rate", () => {
  const { readings } = simulateFleet({
    seed: 2,
    readingsPerMeter: 5000,
    kinds: [],
    pointAnomalyRate: 0.05,
  });
  const rate = readings.filter((r) => r.anomaly).length / readings.length;
  assert.ok(rate > 0.04 && rate < 0.06, `rate ${rate}`);
  assert.ok(readings.filter((r) => r.anomaly).every((r) => r.event === null && r.kind !== null));
});

Deno.test("simulateFleet() rejects bad options naming the value", () => {
  assert.throws(
    () => simulateFleet({ meters: 0 }),
    /Meter count must be an integer from 1 to 1000, got 0/,
  );
  assert.throws(() => simulateFleet({ readingsPerMeter: -1 }), RangeError);
  assert.throws(() => simulateFleet({ pointAnomalyRate: 2 }), /Point anomaly rate/);
  assert.throws(
    () => simulateFleet({ kinds: ["brownout" as TemporalKind] }),
    /Unknown temporal kind "brownout"/,
  );
});

Deno.test("simulateFleet() shares meters through meterSeed and keeps a normal prefix", () => {
  const a = simulateFleet({ seed: 1, readingsPerMeter: 2000, normalPrefix: 1500 });
  const b = simulateFleet({ seed: 2, meterSeed: 1, readingsPerMeter: 10 });
  assert.deepEqual(a.meters, b.meters);
  assert.notDeepEqual(
    a.readings.slice(0, 10).map((r) => r.voltage),
    b.readings.map((r) => r.voltage),
  );
  assert.ok(a.events.length > 0 && a.events.every((e) => e.first >= 1500));
});

Deno.test("simulateFleet() with realism: varied meters, bursts labeled normal, scaled events", () => {
  const plain = simulateFleet({ seed: 5, meters: 3, readingsPerMeter: 4000 });
  assert.deepEqual(
    simulateFleet({ seed: 5, meters: 3, readingsPerMeter: 4000, realism: {} }),
    plain,
  );
  assert.deepEqual(plain.bursts, []);
  const options = { seed: 5, meters: 6, readingsPerMeter: 6000, realism: REALISTIC_FLEET };
  const real = simulateFleet(options);
  assert.deepEqual(simulateFleet(options), real);
  const levels = real.meters.map((m) => m.voltage.mean);
  assert.ok(Math.max(...levels) - Math.min(...levels) > 5, `levels ${levels}`);
  assert.ok(real.bursts.length > 0);
  for (const b of real.bursts) {
    const stream = streamOf(real.readings, b.meter_id);
    assert.ok(stream[b.first].event === null && stream[b.first].anomaly === false);
  }
  const share = real.bursts.reduce((a, b) => a + b.length, 0) / real.readings.length;
  assert.ok(share > 0.015 && share < 0.05, `burst share ${share}`);
  const lengths = real.events.filter((e) => e.kind === "oscillation").map((e) => e.length);
  assert.ok(Math.min(...lengths) < 20 || Math.max(...lengths) > 80, `lengths ${lengths}`);
  assert.throws(
    () => simulateFleet({ realism: { depth: [2, 1] } }),
    /Event depth scale maximum/,
  );
});

Deno.test("simulateFleet() oscillations move the voltage as far as their label says, whatever their period", () => {
  // Before period-2 oscillations were sampled at their peaks, about one oscillation in forty
  // (period 2, phase near 0 or π) moved the voltage by under a third of its amplitude.
  const fleet = simulateFleet({
    seed: 11,
    meters: 60,
    readingsPerMeter: 3000,
    kinds: ["oscillation"],
  });
  const byMeter = new Map(fleet.meters.map((m, i) => [m.meter_id, i]));
  let checked = 0;
  for (const e of fleet.events) {
    const m = byMeter.get(e.meter_id)!;
    const inside = Array.from(
      { length: e.length },
      (_, k) => fleet.readings[(e.first + k) * fleet.meters.length + m].voltage,
    );
    const mean = inside.reduce((a, b) => a + b, 0) / inside.length;
    const sd = Math.sqrt(inside.reduce((a, v) => a + (v - mean) ** 2, 0) / inside.length);
    // Noise alone: the meter's sd; an oscillation of amplitude A adds at least A² / 4 of variance.
    const noise = fleet.meters[m].voltage.sd;
    assert.ok(
      sd > Math.sqrt(noise ** 2 + e.magnitude ** 2 / 8),
      `oscillation ${e.id}: sd ${sd.toFixed(2)} V with noise ${noise.toFixed(2)} V, amplitude ${
        e.magnitude.toFixed(2)
      } V`,
    );
    checked++;
  }
  assert.ok(checked > 300, `only ${checked} oscillations`);
});

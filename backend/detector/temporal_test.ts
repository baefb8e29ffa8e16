import assert from "node:assert/strict";
import { type Finding, fitTemporal, validateTemporalConfig } from "./temporal.ts";
import { toMatrix } from "./model.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { FEATURES } from "./types.ts";
import { WINDOW_STATS } from "./window_stats.ts";

const training = simulateFleet({ seed: 1, meters: 3, readingsPerMeter: 1500, kinds: [] }).readings;
const keys = training.map((r) => r.meter_id);
const model = fitTemporal(toMatrix(training), FEATURES, { window: 8, contamination: 0.02 }, {
  meters: keys,
});

Deno.test("fitTemporal() flags about the contamination share of its training data", () => {
  const share = model.parts.training.flaggedShare as number;
  assert.ok(Math.abs(share - 0.02) < 0.002, `${share}`);
  assert.deepEqual(model.parts.meters.ids, ["meter-01", "meter-02", "meter-03"]);
  // The same data and config give the same model.
  const again = fitTemporal(toMatrix(training), FEATURES, { window: 8, contamination: 0.02 }, {
    meters: keys,
  });
  assert.deepEqual(again.parts, model.parts);
});

Deno.test("scoreRows() flags a stuck sensor whose every value is normal", () => {
  const fleet = simulateFleet({
    seed: 7,
    meterSeed: 1,
    meters: 3,
    readingsPerMeter: 3000,
    kinds: ["stuck_sensor"],
  });
  const scores = model.scoreRows(toMatrix(fleet.readings), fleet.readings.map((r) => r.meter_id));
  const byMeter = (e: (typeof fleet.events)[number]) =>
    fleet.readings.flatMap((r, i) => (r.meter_id === e.meter_id ? [i] : []));
  assert.ok(fleet.events.length >= 5);
  for (const e of fleet.events) {
    const rows = byMeter(e).slice(e.first, e.first + e.length);
    // Once the window is full of the stuck value, the spread statistics leave normal operation.
    assert.ok(rows.slice(8).every((r) => scores[r] >= model.threshold), `event ${e.id}`);
  }
});

Deno.test("scoreRows() answers the same however meters interleave and batches split", () => {
  const fleet = simulateFleet({ seed: 3, meterSeed: 1, meters: 3, readingsPerMeter: 200 });
  const matrix = toMatrix(fleet.readings);
  const ks = fleet.readings.map((r) => r.meter_id);
  const whole = model.scoreRows(matrix, ks);
  // Meter by meter instead of interleaved.
  const order = ks.map((_, i) => i).sort((a, b) => ks[a].localeCompare(ks[b]) || a - b);
  const regrouped = model.scoreRows(
    toMatrix(order.map((i) => fleet.readings[i])),
    order.map((i) => ks[i]),
  );
  order.forEach((i, k) => assert.equal(regrouped[k], whole[i]));
  // In batches of 30 rows, each with the previous 21 rows (7 per meter) as context.
  for (let start = 21; start < ks.length; start += 30) {
    const end = Math.min(ks.length, start + 30);
    const part = model.scoreRows(
      matrix.subarray((start - 21) * 3, end * 3),
      ks.slice(start - 21, end),
      {
        from: 21,
      },
    );
    assert.deepEqual([...part], [...whole.subarray(start, end)]);
  }
});

Deno.test("scoreRows() records which statistic decided the score", () => {
  const rows = training.filter((r) => r.meter_id === "meter-01").slice(0, 30).map((r) => ({
    ...r,
  }));
  for (let i = 15; i < 30; i++) rows[i].voltage -= 14;
  const findings: Finding[] = [];
  const scores = model.scoreRows(toMatrix(rows), rows.map((r) => r.meter_id), { findings });
  assert.equal(findings.length, 30);
  const last = findings[29];
  assert.equal(last.channel, 0);
  assert.ok(scores[29] >= model.threshold, `${scores[29]}`);
  assert.ok(last.n === 8 && last.baseline === 0 && Math.abs(last.z) > 5, JSON.stringify(last));
});

Deno.test("fitTemporal() and validateTemporalConfig() reject bad input naming it", () => {
  assert.throws(() => validateTemporalConfig({ window: 1, contamination: 0.01 }), {
    message: "Window must be an integer from 2 to 256, got 1",
  });
  assert.throws(() => validateTemporalConfig({ window: 8, contamination: 0.9 }), /Contamination/);
  assert.throws(
    () =>
      fitTemporal(new Float64Array(30), ["a", "b", "c"], { window: 8, contamination: 0.1 }, {
        meters: null,
      }),
    { message: "Training a window of 8 needs at least 16 rows, got 10" },
  );
  const huge = Float64Array.from({ length: 40 }, (_, i) => i % 2 ? 1 : (i % 5) * 1e160);
  assert.throws(
    () => fitTemporal(huge, ["a", "b"], { window: 4, contamination: 0.1 }, { meters: null }),
    {
      name: "RangeError",
      message: 'Feature "a" has training values up to 4.00e+160: their squares overflow ' +
        "(at most 1e+150 in magnitude); rescale it",
    },
  );
});

Deno.test("predict() flags an input past the float range with a finite score, never NaN", () => {
  // Current is constant in training, so its scale is tiny and 1e308 overflows to Infinity.
  const m = Float64Array.from(
    { length: 1200 },
    (_, i) => [230 + Math.sin(i), 5, 50 + 0.01 * Math.cos(i)][i % 3],
  );
  const model = fitTemporal(m, FEATURES, { window: 8, contamination: 0.015 }, { meters: null });
  for (const current of [1e308, -1e308, 1e200, 5]) {
    const [p] = model.predict([{ voltage: 230, current, frequency: 50 }]);
    assert.ok(Number.isFinite(p.score), `score of current = ${current}: ${p.score}`);
    assert.equal(p.anomaly, current !== 5, `current = ${current}`);
  }
});

Deno.test("predict() with context scores a batch as the whole stream would", () => {
  const fleet = simulateFleet({ seed: 5, meterSeed: 1, meters: 3, readingsPerMeter: 100 });
  const readings = fleet.readings;
  const whole = model.predict(readings);
  const part = model.predict(readings.slice(60), { context: readings.slice(39, 60) });
  assert.deepEqual(part, whole.slice(60));
  // Without context the first readings of each meter see shorter windows.
  assert.equal(model.predict(readings.slice(60)).length, readings.length - 60);
  const sensorFault = model.predict([{ voltage: 230, current: 10, frequency: 0 }]);
  assert.equal(sensorFault[0].anomaly, true);
  assert.equal(sensorFault[0].reasons?.[0].code, "sensor_fault");
});

Deno.test("scoreRows() breaks ties, so a threshold can pick any FAR from 0.5 % to 50 % within 0.5 pp", () => {
  // A two-state channel (a valve: 0, rarely 1) beside a continuous one. Once the valve stays
  // open, every window of it is the same, so its statistics (and the largest |z|) are equal in
  // every row; only the tie-breaker tells the rows apart.
  let seed = 11;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const rows = (n: number, valve: () => number) =>
    Float64Array.from({ length: n * 2 }, (_, k) => (k % 2 === 0 ? normal() : valve()));
  const fitted = fitTemporal(rows(3000, () => (next() < 0.02 ? 1 : 0)), ["flow", "valve"], {
    window: 8,
    contamination: 0.01,
  }, { meters: null });
  const scores = fitted.scoreRows(rows(2000, () => 1), null).slice(8).sort();
  const largestTie = Math.max(
    ...[
      ...scores.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map<number, number>())
        .values(),
    ],
  );
  assert.ok(largestTie <= 2, `${largestTie} rows share one score`);
  for (const target of [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5]) {
    const threshold = scores[Math.ceil(scores.length * (1 - target))];
    const flagged = scores.filter((s) => s >= threshold).length / scores.length;
    assert.ok(Math.abs(flagged - target) <= 0.005, `target ${target}: flagged ${flagged}`);
  }
});

Deno.test("scoreRows() flags one channel leaving the others it normally moves with", () => {
  // Two channels driven by one slow load (as current and voltage are), small independent noise.
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const rows = (count: number, shift: (i: number) => number) => {
    const m = new Float64Array(count * 2);
    for (let i = 0; i < count; i++) {
      const load = Math.sin((2 * Math.PI * i) / 500);
      m[i * 2] = 230 - 4 * load + noise();
      m[i * 2 + 1] = 10 + 4 * load + noise() + shift(i);
    }
    return m;
  };
  const coupled = fitTemporal(rows(4000, () => 0), ["u", "i"], {
    window: 8,
    contamination: 0.01,
  }, { meters: null });
  // The current rises by 2.5 A (under its normal range of ±4 A) while the voltage stays.
  const test = rows(600, (i) => (i >= 300 ? 2.5 : 0));
  const scores = coupled.scoreRows(test, null);
  let before = 0;
  let after = 0;
  for (let i = 0; i < 600; i++) {
    if (scores[i] >= coupled.threshold) i < 300 ? before++ : after++;
  }
  assert.ok(after > 250, `flagged ${after} of 300 shifted readings`);
  assert.ok(before < 15, `flagged ${before} of 300 normal readings`);
  const findings: Finding[] = [];
  coupled.scoreRows(test.subarray(0, 320 * 2), null, { from: 319, findings });
  // Either channel's residual against the other shows it (each is out of line with the other).
  assert.equal(WINDOW_STATS[findings[0].stat], "residual_mean");
});

// A day at a reading a minute: the load's daily cycle moves every meter's voltage and current.
const day = simulateFleet({
  seed: 11,
  meters: 3,
  readingsPerMeter: 1440,
  intervalMs: 60_000,
  kinds: [],
}).readings;
const dayTimes = day.map((r) => Date.parse(r.timestamp));
const cycled = fitTemporal(toMatrix(day), FEATURES, { window: 8, contamination: 0.02 }, {
  meters: day.map((r) => r.meter_id),
  times: dayTimes,
});

Deno.test("fitTemporal() with times covering the day fits each baseline's daily cycle", () => {
  const { diurnal } = cycled.parts;
  assert.ok(diurnal, "no daily cycle");
  assert.equal(diurnal.meters.length, 3 * 3 * 2);
  // The simulated load lowers the voltage and raises the current: opposite cycles.
  const amplitude = (at: number) => Math.hypot(diurnal.meters[at], diurnal.meters[at + 1]);
  assert.ok(amplitude(0) > 0.5 && amplitude(2) > 0.3, `${diurnal.meters}`);
  const dot = diurnal.meters[0] * diurnal.meters[2] + diurnal.meters[1] * diurnal.meters[3];
  assert.ok(dot < 0, `${dot}`);
  // Without the cycle, each baseline's sd also holds the load's swing.
  const plain = fitTemporal(toMatrix(day), FEATURES, { window: 8, contamination: 0.02 }, {
    meters: day.map((r) => r.meter_id),
  });
  assert.equal(plain.parts.diurnal, undefined);
  assert.ok(cycled.parts.meters.sd[0] < plain.parts.meters.sd[0]);
  // Part of a day is not enough, and format 5 rules never fit one.
  const part = fitTemporal(toMatrix(day.slice(0, 1500)), FEATURES, cycled.parts.config, {
    meters: day.slice(0, 1500).map((r) => r.meter_id),
    times: dayTimes.slice(0, 1500),
  });
  assert.equal(part.parts.diurnal, undefined);
  const five = fitTemporal(toMatrix(day), FEATURES, cycled.parts.config, {
    meters: day.map((r) => r.meter_id),
    times: dayTimes,
    formatVersion: 5,
  });
  // Format 5 differs from format 6 by the cycle alone (format 7 also scores two scales).
  const six = fitTemporal(toMatrix(day), FEATURES, cycled.parts.config, {
    meters: day.map((r) => r.meter_id),
    formatVersion: 6,
  });
  assert.deepEqual(five.parts, { ...six.parts, formatVersion: 5 });
});

Deno.test("predict() judges readings by their timestamp against the daily cycle, in batches as whole", () => {
  const next = simulateFleet({
    seed: 12,
    meters: 3,
    readingsPerMeter: 300,
    intervalMs: 60_000,
    start: Date.UTC(2026, 0, 2),
    meanGap: 60,
  }).readings;
  const matrix = toMatrix(next);
  const ks = next.map((r) => r.meter_id);
  const times = next.map((r) => Date.parse(r.timestamp));
  const scores = cycled.scoreRows(matrix, ks, { times });
  const predicted = cycled.predict(next);
  assert.deepEqual(predicted.map((p) => p.score), [...scores]);
  // Without times, the same rows are judged against the day's mean level: other scores.
  assert.notDeepEqual([...cycled.scoreRows(matrix, ks)], [...scores]);
  // A reading without a timestamp is judged as scoreRows() judges a NaN time.
  const { timestamp: _, ...bare } = next[40];
  const mixed = [...next.slice(0, 40), bare];
  assert.equal(
    cycled.predict(mixed)[40].score,
    cycled.scoreRows(toMatrix(mixed), mixed.map((r) => r.meter_id), {
      times: [...times.slice(0, 40), NaN],
    })[40],
  );
  // Batches of 4 readings per meter with each meter's last 7 as context: the stream's verdicts.
  for (let start = 21; start < next.length; start += 12) {
    const part = cycled.predict(next.slice(start, start + 12), {
      context: next.slice(start - 21, start),
    });
    assert.deepEqual(part.map((p) => p.score), [...scores.subarray(start, start + 12)]);
  }
});

Deno.test("format 7 ends an alarm within a few readings of a sag's end, sooner than format 6's single scale", () => {
  const train = simulateFleet({ seed: 21, meters: 2, readingsPerMeter: 2000, kinds: [] }).readings;
  const fit = (formatVersion?: number) =>
    fitTemporal(toMatrix(train), FEATURES, { window: 16, contamination: 0.01 }, {
      meters: train.map((r) => r.meter_id),
      ...(formatVersion ? { formatVersion } : {}),
    });
  // Meter 1 of the same fleet, 12 V lower for readings 100 to 139.
  const test = simulateFleet({
    seed: 22,
    meterSeed: 21,
    meters: 1,
    readingsPerMeter: 300,
    kinds: [],
  })
    .readings.map((r, i) => i >= 100 && i < 140 ? { ...r, voltage: r.voltage - 12 } : r);
  /** Readings after the sag's last that are still flagged in one run. */
  const tail = (model: ReturnType<typeof fit>) => {
    const scores = model.scoreRows(toMatrix(test), test.map((r) => r.meter_id));
    const inside = scores.slice(100, 140).filter((s) => s >= model.threshold).length;
    assert.ok(inside >= 38 && scores[139] >= model.threshold, `${inside} of the sag's 40 flagged`);
    let k = 140;
    while (scores[k] >= model.threshold) k++;
    return k - 140;
  };
  const [seven, six] = [tail(fit()), tail(fit(6))];
  assert.ok(
    seven <= 5 && seven < six,
    `after the sag: format 7 ${seven}, format 6 ${six} readings`,
  );
});

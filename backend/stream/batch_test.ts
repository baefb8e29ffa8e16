import assert from "node:assert/strict";
import { type InputRecord, scoreBatch } from "./batch.ts";
import type { MeterWindow } from "./windows.ts";
import { FEATURES, fitTemporal, toMatrix } from "../detector/mod.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

const training = simulateFleet({ seed: 1, meters: 3, readingsPerMeter: 600, kinds: [] }).readings;
const model = fitTemporal(toMatrix(training), FEATURES, { window: 6, contamination: 0.02 }, {
  meters: training.map((r) => r.meter_id),
});
const fleet = simulateFleet({ seed: 9, meters: 3, readingsPerMeter: 200 }).readings;
const enc = new TextEncoder();
const value = (r: (typeof fleet)[number]) =>
  enc.encode(JSON.stringify({
    meter_id: r.meter_id,
    timestamp: r.timestamp,
    voltage: r.voltage,
    current: r.current,
    frequency: r.frequency,
  }));
const records: InputRecord[] = fleet.map((r, i) => ({
  key: enc.encode(r.meter_id),
  value: value(r),
  partition: 0,
  offset: BigInt(i),
}));

function run(batches: InputRecord[][], windows = new Map<string, MeterWindow>()) {
  const scores = new Map<string, number>();
  let anomalies = 0;
  let replayed = 0;
  for (const batch of batches) {
    const result = scoreBatch(model, windows, batch, { withScores: true });
    for (const s of result.scores) scores.set(`${s.meter_id}@${s.timestamp}`, s.score);
    for (const [m, w] of result.windows) windows.set(m, w);
    anomalies += result.anomalies.length;
    replayed += result.replayed;
  }
  return { scores, anomalies, replayed, windows };
}

Deno.test("scoreBatch() gives each reading the score of one predict() call with its history as context", () => {
  const { scores, anomalies } = run([records.slice(0, 250), records.slice(250)]);
  const direct = model.predict(fleet.map((r) => JSON.parse(new TextDecoder().decode(value(r)))));
  assert.equal(scores.size, fleet.length);
  fleet.forEach((r, i) =>
    assert.equal(scores.get(`${r.meter_id}@${r.timestamp}`), direct[i].score)
  );
  assert.equal(anomalies, direct.filter((p) => p.anomaly).length);
  assert.ok(anomalies > 0, "the fleet's events are flagged");
});

Deno.test("scoreBatch() scores the same whatever the batch boundaries", () => {
  const whole = run([records]).scores;
  const small =
    run(Array.from({ length: 60 }, (_, i) => records.slice(i * 10, i * 10 + 10))).scores;
  assert.deepEqual(small, whole);
});

Deno.test("scoreBatch() skips records at or below a meter's scored offset (a replay) and counts them", () => {
  const first = run([records.slice(0, 300)]);
  // A crash after the changelog write but before the offset commit: 300 records come again.
  const again = run([records.slice(100)], first.windows);
  assert.equal(again.replayed, 200);
  const whole = run([records]).scores;
  for (const [k, v] of again.scores) assert.equal(v, whole.get(k));
  assert.equal(again.scores.size, records.length - 300);
});

Deno.test("scoreBatch() dead-letters a reading older than its meter's last one, and goes on", () => {
  const late = { ...records[0], offset: 10_000n };
  const result = scoreBatch(model, new Map(), [
    ...records.slice(0, 30),
    late,
    ...records.slice(30, 60),
  ]);
  assert.equal(result.deadLetters.length, 1);
  assert.equal(result.deadLetters[0].reason, "out_of_order");
  assert.match(result.deadLetters[0].message, /is not after the meter's last reading/);
  assert.equal(result.scored, 60);
});

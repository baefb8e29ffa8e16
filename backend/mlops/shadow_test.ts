import assert from "node:assert/strict";
import {
  type Detector,
  FEATURES,
  fitTemporal,
  Model,
  type Prediction,
  type Reading,
  toMatrix,
  trainModel,
} from "../detector/mod.ts";
import { Simulator } from "../../lib/simulator/simulator.ts";
import { FAKE_INFO, FakeDetector } from "../tests/_fake_detector.ts";
import { smallModel } from "../tests/_models.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import {
  anomalyFlags,
  meterTails,
  SHADOW_SLICE,
  type ShadowResult,
  ShadowScorer,
} from "./shadow.ts";

/** Flags everything above `limit` volts. */
class Threshold implements Detector {
  readonly info;
  constructor(readonly limit: number) {
    this.info = { ...FAKE_INFO, version: `sha256:${String(limit).padStart(12, "0")}` };
  }
  predict(readings: readonly Reading[]): Prediction[] {
    return readings.map((r) => ({ anomaly: r.voltage > this.limit, score: 0.5 }));
  }
}

const readings = (volts: number[]): Reading[] =>
  volts.map((voltage) => ({ voltage, current: 10, frequency: 50 }));

function scorer(options: Partial<ConstructorParameters<typeof ShadowScorer>[0]> = {}) {
  const results: ShadowResult[] = [];
  let dropped = 0;
  const s = new ShadowScorer({
    rate: 1,
    maxQueuedReadings: 100,
    onResult: (r) => results.push(r),
    onDrop: (n) => (dropped += n),
    ...options,
  });
  return { s, results, dropped: () => dropped };
}

Deno.test("ShadowScorer counts agreement and challenger anomalies after offer() returns", async () => {
  const { s, results } = scorer();
  s.setChallenger(new Threshold(240));
  const batch = readings([230, 245, 250, 260]);
  const champion = new Threshold(255).predict(batch); // flags only 260
  s.offer(batch, champion, "sha256:champion0000");
  assert.equal(results.length, 0, "nothing is scored on the caller's turn");
  await s.idle();
  assert.equal(results.length, 1);
  assert.equal(results[0].readings, 4);
  assert.equal(results[0].anomalies, 3);
  assert.equal(results[0].agree, 2); // 230 (both no) and 260 (both yes)
  assert.equal(results[0].version, "sha256:000000000240");
});

Deno.test("ShadowScorer does nothing without a challenger and samples by rate", async () => {
  const { s, results } = scorer({
    rate: 0.5,
    random: (() => {
      let i = 0;
      return () => (i++ % 2 === 0 ? 0.1 : 0.9);
    })(),
  });
  s.offer(readings([230]), [{ anomaly: false, score: 0 }], "sha256:champion0000");
  await s.idle();
  assert.equal(results.length, 0);
  s.setChallenger(new FakeDetector());
  for (let i = 0; i < 10; i++) {
    s.offer(readings([230]), [{ anomaly: false, score: 0 }], "sha256:champion0000");
  }
  await s.idle();
  assert.equal(results.length, 5);
});

Deno.test("ShadowScorer drops and counts requests beyond the queue bound", async () => {
  const { s, results, dropped } = scorer({ maxQueuedReadings: 10 });
  s.setChallenger(new FakeDetector());
  const four = readings([230, 230, 230, 230]);
  const preds = new FakeDetector().predict(four);
  for (let i = 0; i < 5; i++) s.offer(four, preds, "sha256:champion0000");
  assert.equal(s.queuedReadings, 8);
  assert.equal(dropped(), 12);
  await s.idle();
  assert.equal(results.length, 2);
  assert.equal(s.queuedReadings, 0);
});

Deno.test("ShadowScorer reports a throwing challenger and keeps going", async () => {
  const errors: unknown[] = [];
  const { s, results } = scorer({ onError: (e) => errors.push(e) });
  s.setChallenger({
    info: FAKE_INFO,
    predict: () => {
      throw new Error("boom");
    },
  });
  s.offer(readings([230]), [{ anomaly: false, score: 0 }], "sha256:champion0000");
  await s.idle();
  assert.equal(errors.length, 1);
  assert.equal(results.length, 0);
});

Deno.test("ShadowScorer rejects a rate outside 0..1", () => {
  assert.throws(() => scorer({ rate: 1.5 }), /from 0 to 1, got 1.5/);
});

Deno.test("anomalyFlags() of a real model equals its predictions' anomaly flags", () => {
  const model = trainModel({
    contamination: 0.1,
    nEstimators: 20,
    sampleSize: 64,
    seed: 4,
    trainingSize: 500,
  }, { evaluation: false });
  const readings = new Simulator({ seed: 8, anomalyRate: 0.2 }).batch(300).map((r) => ({
    voltage: r.voltage,
    current: r.current,
    frequency: r.frequency,
  }));
  readings.push({ voltage: -5, current: 10, frequency: 50 }); // a sensor fault
  assert.deepEqual(anomalyFlags(model, readings), model.predict(readings).map((p) => p.anomaly));
});

Deno.test("ShadowScorer scores a large request in slices and reports it once", async () => {
  const { s, results } = scorer({ maxQueuedReadings: 1000 });
  s.setChallenger(new Threshold(240));
  const batch = readings(Array.from({ length: 5 * SHADOW_SLICE + 3 }, (_, i) => 230 + (i % 20)));
  s.offer(batch, new Threshold(240).predict(batch), "sha256:champion0000");
  await s.idle();
  assert.equal(results.length, 1);
  assert.equal(results[0].readings, batch.length);
  assert.equal(results[0].agree, batch.length);
});

Deno.test("ShadowScorer waits while requests are being handled, at most maxDeferMs", async () => {
  let busy = true;
  const { s, results } = scorer({ busy: () => busy, maxDeferMs: 60_000 });
  s.setChallenger(new Threshold(240));
  const batch = readings([230, 250]);
  s.offer(batch, new Threshold(240).predict(batch), "sha256:champion0000");
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(results.length, 0, "no shadow work while a request is in flight");
  busy = false;
  await s.idle();
  assert.equal(results.length, 1);

  // Always busy: the bounded wait still lets the work through.
  const bounded = scorer({ busy: () => true, maxDeferMs: 20 });
  bounded.s.setChallenger(new Threshold(240));
  const started = performance.now();
  bounded.s.offer(batch, new Threshold(240).predict(batch), "sha256:champion0000");
  await bounded.s.idle();
  assert.equal(bounded.results.length, 1);
  assert.ok(performance.now() - started >= 20, "it waited for an idle moment first");
});

Deno.test("anomalyFlags() flags what the model's predict() flags, also where features are not grid quantities", () => {
  const model = smallModel();
  // No reading reaches this threshold: only sensor faults are anomalies.
  const faultsOnly = new Model({ ...model.parts, threshold: 2 });
  const noQuantities = new Model({ ...model.parts, threshold: 2, grid: {} });
  const batch = readings([230, 5000, -3, 231]);
  for (const m of [faultsOnly, noQuantities]) {
    assert.deepEqual(anomalyFlags(m, batch), m.predict(batch).map((p) => p.anomaly));
  }
  assert.deepEqual(anomalyFlags(faultsOnly, batch), [false, true, true, false]);
  // Not sensor faults without grid quantities, but far beyond the training range (range guard).
  assert.deepEqual(anomalyFlags(noQuantities, batch), [false, true, true, false]);
  assert.ok(noQuantities.predict(batch)[1].reasons?.every((r) => r.code !== "sensor_fault"));
});

Deno.test("meterTails() keeps each meter's last readings in their order", () => {
  const rows = ["a", "b", "a", "a", "b", "a"].map((meter_id, i) =>
    ({ meter_id, voltage: i, current: 10, frequency: 50 }) as Reading
  );
  assert.deepEqual(meterTails(rows, 2).map((r) => r.voltage), [1, 3, 4, 5]);
  assert.deepEqual(meterTails(rows, 0), []);
});

Deno.test("ShadowScorer scores a temporal challenger with the request's context, slice after slice, as in one piece", async () => {
  const fleet = simulateFleet({ seed: 7, meters: 3, readingsPerMeter: 400 }).readings;
  const train = fleet.slice(0, 600);
  const challenger = fitTemporal(toMatrix(train), FEATURES, { window: 8, contamination: 0.05 }, {
    meters: train.map((r) => r.meter_id),
  });
  // The request: earlier readings of its meters as context, then more readings than one slice.
  const context = fleet.slice(600, 660);
  const request = fleet.slice(660, 660 + 5 * SHADOW_SLICE + 3);
  const expected = challenger.predict(request, { context }).map((p) => p.anomaly);
  assert.ok(expected.some((a) => a) && expected.some((a) => !a), "a mixed verdict to compare");
  const withoutContext = challenger.predict(request).map((p) => p.anomaly);
  assert.notDeepEqual(withoutContext, expected, "context changes the verdicts of this request");
  // The champion's answers are the challenger's own: full agreement iff scored as in one piece.
  const answers = expected.map((anomaly) => ({ anomaly, score: 0 }));
  const { s, results } = scorer({ maxQueuedReadings: 1_000 });
  s.setChallenger(challenger);
  s.offer(request, answers, "sha256:champion", context);
  await s.idle();
  assert.equal(results.length, 1);
  assert.equal(results[0].agree, request.length);
  assert.equal(results[0].anomalies, expected.filter((a) => a).length);
});

import assert from "node:assert/strict";
import type { DetectorInfo, Reading } from "../../lib/contract.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { fitTemporal, toMatrix } from "../../backend/detector/mod.ts";
import type { Outcome, PredictResponse, Problem } from "./api.ts";
import { FleetFeed } from "./fleet_feed.ts";
import { FleetStream, type FleetStreamOptions, type ServedModel } from "./fleet_stream.ts";
import type { FleetTally } from "./fleet_tally.ts";
import type { MeterView } from "./meter_board.ts";

function temporalInfo(window: number, version = "sha256:aaaaaaaaaaaa"): DetectorInfo {
  return {
    name: "temporal_window",
    version,
    features: ["voltage", "current", "frequency"],
    threshold: 1,
    training: {},
    source: "test",
    config: { window, contamination: 0.01 },
  };
}

const ok = <T>(data: T): Outcome<T> => ({ ok: true, data, latencyMs: 3 });

function answer(
  predictions: { anomaly: boolean; score: number }[],
  version = "sha256:aaaaaaaaaaaa",
) {
  return ok<PredictResponse>({
    predictions: predictions.map((p, i) => ({ ...p, prediction_id: `receipt-${i}` })),
    anomalies: predictions.filter((p) => p.anomaly).length,
    total: predictions.length,
    served_by: "pod-a:1",
    model_version: version,
  });
}

/** A stream over 2 meters whose fake backend flags what `flag` says, recording every call. */
function setup(over: Partial<FleetStreamOptions> = {}, flag = (r: Reading) => r.voltage < 220) {
  const seen = {
    tally: [] as FleetTally[],
    meters: [] as MeterView[][],
    problems: [] as (Problem | null)[],
    status: [] as string[],
    streaming: [] as boolean[],
    models: [] as (ServedModel | null)[],
  };
  const calls: { readings: Reading[]; context: Reading[] }[] = [];
  let info = temporalInfo(4);
  const s = new FleetStream({
    feed: new FleetFeed({ seed: 1, meters: 2, intervalMs: 10_000, meanGap: 30 }),
    predict: (readings, context) => {
      calls.push({ readings, context });
      return Promise.resolve(
        answer(readings.map((r) => ({ anomaly: flag(r), score: 0.5 })), info.version),
      );
    },
    modelInfo: () => Promise.resolve(ok(info)),
    settings: () => ({ perMeter: 3, intervalMs: 100 }),
    keep: 50,
    view: {
      tally: (t) => seen.tally.push(t),
      meters: (m) => seen.meters.push(m),
      problem: (p) => seen.problems.push(p),
      status: (t) => seen.status.push(t),
      streaming: (on) => seen.streaming.push(on),
      model: (m) => seen.models.push(m),
    },
    ...over,
  });
  return { s, seen, calls, setInfo: (i: DetectorInfo) => (info = i) };
}

Deno.test("FleetStream.step() sends every meter's next readings with the window's context", async () => {
  const { s, calls, seen } = setup();
  assert.equal(await s.step(), true);
  assert.equal(await s.step(), true);
  assert.deepEqual(seen.models[0], {
    name: "temporal_window",
    version: "sha256:aaaaaaaaaaaa",
    window: 4,
  });
  assert.equal(calls[0].readings.length, 6);
  assert.deepEqual(calls[0].context, []);
  // Window 4: each meter's last 3 readings (all of the first batch), each meter's in time order.
  const byMeter = (rs: Reading[]) =>
    [...rs].sort((a, b) =>
      String(a.meter_id).localeCompare(String(b.meter_id)) ||
      String(a.timestamp).localeCompare(String(b.timestamp))
    );
  assert.deepEqual(calls[1].context, byMeter(calls[0].readings));
  assert.deepEqual(Object.keys(calls[0].readings[0]).sort(), [
    "current",
    "frequency",
    "meter_id",
    "timestamp",
    "voltage",
  ]);
  assert.equal(seen.tally.at(-1)!.readings, 12);
  assert.deepEqual(seen.meters.at(-1)!.map((m) => m.points.length), [6, 6]);
});

Deno.test("FleetStream scores a stream in batches with context exactly as in one piece", async () => {
  const train = simulateFleet({
    seed: 9,
    meterSeed: 42,
    meters: 2,
    readingsPerMeter: 600,
    kinds: [],
  });
  const model = fitTemporal(toMatrix(train.readings), ["voltage", "current", "frequency"], {
    window: 6,
    contamination: 0.02,
  }, { meters: train.readings.map((r) => r.meter_id) });
  const scores: number[] = [];
  const { s } = setup({
    modelInfo: () => Promise.resolve(ok(temporalInfo(6))),
    predict: (readings, context) => {
      const p = model.predict(readings, { context });
      scores.push(...p.map((x) => x.score));
      return Promise.resolve(answer(p.map(({ anomaly, score }) => ({ anomaly, score }))));
    },
  });
  for (let k = 0; k < 20; k++) await s.step();
  const whole = new FleetFeed({ seed: 1, meters: 2, intervalMs: 10_000, meanGap: 30 }).next(60);
  assert.deepEqual(scores, model.predict(whole).map((p) => p.score));
});

Deno.test("FleetStream counts verdicts against the feed's labels", async () => {
  const { s, seen, calls } = setup({}, () => true);
  await s.step();
  const t = seen.tally.at(-1)!;
  assert.equal(t.flagged, 6);
  const labelled = calls[0].readings.length - t.confusion.fp;
  assert.equal(t.confusion.tp, labelled);
  assert.equal(t.confusion.tp + t.confusion.fp, 6);
});

Deno.test("FleetStream re-reads /model when another version answers, and resizes the context", async () => {
  const { s, calls, setInfo, seen } = setup();
  await s.step();
  setInfo(temporalInfo(2, "sha256:bbbbbbbbbbbb"));
  await s.step(); // answered by the new version: the stream asks /model again
  await new Promise((r) => setTimeout(r, 0));
  await s.step();
  assert.equal(seen.models.at(-1)!.window, 2);
  assert.equal(calls[2].context.length, 2, "one reading per meter for a window of 2");
});

Deno.test("FleetStream reports a failed request, counts nothing and tells the status badge", async () => {
  const outcomes: boolean[] = [];
  const { s, seen } = setup({
    predict: () =>
      Promise.resolve({
        ok: false,
        latencyMs: 1,
        problem: { title: "Backend unreachable", detail: "refused", status: 502 },
      }),
    onBackendOutcome: (o) => outcomes.push(o),
  });
  assert.equal(await s.step(), false);
  assert.equal(seen.problems.at(-1)?.status, 502);
  assert.deepEqual(outcomes, [false]);
  assert.equal(seen.tally.length, 0);
});

Deno.test("FleetStream stays unready when /model fails, saying why", async () => {
  const { s, seen, calls } = setup({
    modelInfo: () =>
      Promise.resolve({
        ok: false,
        latencyMs: 1,
        problem: { title: "Backend not ready", detail: "loading", status: 503 },
      }),
  });
  assert.equal(await s.step(), false);
  assert.equal(calls.length, 0);
  assert.equal(seen.problems.at(-1)?.detail, "loading");
});

Deno.test("FleetStream.inject() scores 275 V as the meter's next reading, in time order, labelled", async () => {
  const { s, seen, calls } = setup({}, (r) => r.voltage > 253);
  await s.step();
  await s.inject("meter-02");
  const sent = calls[1];
  assert.deepEqual(sent.readings.map((r) => [r.voltage, (r as { meter_id?: string }).meter_id]), [
    [275, "meter-02"],
  ]);
  const last = (calls[0].readings.at(-1) as { timestamp: string }).timestamp;
  const at = (sent.readings[0] as { timestamp: string }).timestamp;
  assert.equal(Date.parse(at) - Date.parse(last), 1);
  assert.equal(
    seen.status.at(-1),
    "Injected 275 V, 28 A, 50.7 Hz on meter-02: flagged as an anomaly.",
  );
  assert.equal(seen.tally.at(-1)!.confusion.tp >= 1, true);
});

Deno.test("FleetStream.start() skips a tick while a request is open instead of queueing it", async () => {
  let clock = 0;
  let release: (() => void) | null = null;
  let sent = 0;
  const { s } = setup({
    now: () => clock,
    sleep: (ms) => {
      clock += ms;
      return new Promise((r) => setTimeout(r, 0));
    },
    predict: (readings) => {
      sent++;
      return new Promise((r) => {
        release = () => r(answer(readings.map(() => ({ anomaly: false, score: 0 }))));
      });
    },
  });
  const done = s.start();
  for (let k = 0; k < 10; k++) await new Promise((r) => setTimeout(r, 0));
  assert.equal(sent, 1, "one request in flight, later ticks skipped");
  (release as unknown as () => void)();
  for (let k = 0; k < 10; k++) await new Promise((r) => setTimeout(r, 0));
  assert.equal(sent, 2);
  s.stop();
  (release as unknown as () => void)();
  await done;
});

Deno.test("FleetStream.reset() clears counts and meters, and the stream goes on", async () => {
  const { s, seen, calls } = setup();
  await s.step();
  s.reset();
  assert.equal(seen.tally.at(-1)!.readings, 0);
  assert.deepEqual(seen.meters.at(-1)!.map((m) => m.points.length), [0, 0]);
  await s.step();
  assert.notDeepEqual(calls[1].readings, calls[0].readings);
  assert.equal(seen.tally.at(-1)!.readings, 6);
});

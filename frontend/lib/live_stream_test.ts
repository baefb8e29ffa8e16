import assert from "node:assert/strict";
import type { Reading } from "../../lib/contract.ts";
import type { LabeledReading } from "../../lib/simulator/simulator.ts";
import type { AnomalyRow } from "./live_stream.ts";
import type { Outcome, PredictResponse, Problem } from "./api.ts";
import {
  type Counters,
  DrawScheduler,
  LiveStream,
  type LiveStreamOptions,
  MAX_IN_FLIGHT,
  RETRY_MS,
  type SignalName,
  type SignalPoints,
  type StreamSettings,
} from "./live_stream.ts";

/** Everything a stream told its view, newest last. */
function recorder() {
  const seen = {
    counters: [] as Counters[],
    rows: [] as AnomalyRow[][],
    problems: [] as (Problem | null)[],
    status: [] as string[],
    streaming: [] as boolean[],
    points: [] as Record<SignalName, SignalPoints>[],
    cleared: 0,
  };
  return {
    seen,
    view: {
      counters: (c: Counters) => seen.counters.push(c),
      rows: (r: AnomalyRow[]) => seen.rows.push(r),
      problem: (p: Problem | null) => seen.problems.push(p),
      status: (s: string) => seen.status.push(s),
      streaming: (on: boolean) => seen.streaming.push(on),
      points: (p: Record<SignalName, SignalPoints>) => seen.points.push(p),
      cleared: () => seen.cleared++,
    },
  };
}

/** A backend that flags readings outside 207–253 V, like the fake backend. */
function flagVoltage(readings: Reading[]): Outcome<PredictResponse> {
  const predictions = readings.map((r) => {
    const anomaly = r.voltage < 207 || r.voltage > 253;
    return { anomaly, score: anomaly ? 0.8 : 0.4 };
  });
  return {
    ok: true,
    latencyMs: 5,
    data: {
      predictions,
      anomalies: predictions.filter((p) => p.anomaly).length,
      total: predictions.length,
      served_by: "pod-a:1",
      model_version: "sha256:0123456789ab",
    },
  };
}

const settings: StreamSettings = { batchSize: 50, intervalMs: 100, newConnection: true };

function stream(over: Partial<LiveStreamOptions> = {}) {
  const r = recorder();
  const calls: { readings: Reading[]; newConnection?: boolean | undefined }[] = [];
  const outcomes: boolean[] = [];
  const served: Record<string, number>[] = [];
  const s = new LiveStream({
    predict: (readings, options) => {
      calls.push({ readings, newConnection: options.newConnection });
      return Promise.resolve(flagVoltage(readings));
    },
    settings: () => settings,
    view: r.view,
    tableRows: 3,
    anomalyRate: 0.3,
    seed: 7,
    onBackendOutcome: (ok) => outcomes.push(ok),
    onServed: (c) => served.push(c),
    ...over,
  });
  return { s, seen: r.seen, calls, outcomes, served };
}

const reading = (voltage: number, anomaly: boolean): LabeledReading => ({
  voltage,
  current: 10,
  frequency: 50,
  timestamp: "2026-01-01T00:00:00.000Z",
  anomaly,
  kind: anomaly ? "voltage_swell" : null,
});

Deno.test("LiveStream.record() counts verdicts against labels and splits chart points by verdict", () => {
  const { s, seen, outcomes, served } = stream();
  const batch = [reading(230, false), reading(270, true), reading(231, true), reading(260, false)];
  assert.equal(s.record(batch, flagVoltage(batch)), true);
  const c = seen.counters.at(-1)!;
  assert.equal(c.points, 4);
  assert.equal(c.requests, 1);
  assert.equal(c.flagged, 2);
  assert.equal(c.labelled, 2);
  assert.deepEqual(c.confusion, { tp: 1, fp: 1, fn: 1, tn: 1 });
  assert.equal(c.servedBy, "pod-a:1");
  assert.equal(c.latency.count, 1);
  const v = seen.points.at(-1)!.voltage;
  assert.deepEqual(v.line.map((p) => p.x), [1, 2, 3, 4]);
  assert.deepEqual(v.flagged, [{ x: 2, y: 270 }, { x: 4, y: 260 }]);
  assert.deepEqual(v.missed, [{ x: 3, y: 231 }]);
  // Newest first.
  assert.deepEqual(seen.rows.at(-1)!.map((r) => r.seq), [4, 2]);
  assert.deepEqual(seen.problems, [null]);
  assert.deepEqual(outcomes, [true]);
  assert.deepEqual(served, [{ "pod-a:1": 1 }]);
});

Deno.test("LiveStream.record() keeps the newest tableRows anomalies and counts failures", () => {
  const { s, seen, outcomes } = stream();
  const batch = [reading(270, true), reading(271, true)];
  s.record(batch, flagVoltage(batch));
  s.record(batch, flagVoltage(batch));
  assert.deepEqual(seen.rows.at(-1)!.map((r) => r.seq), [4, 3, 2]);
  const problem = { title: "Backend unreachable", detail: "refused", status: 502 };
  assert.equal(s.record(batch, { ok: false, problem, latencyMs: 1 }), false);
  const invalid = { title: "Invalid request", detail: "bad", status: 422 };
  s.record(batch, { ok: false, problem: invalid, latencyMs: 1 });
  assert.equal(seen.counters.at(-1)!.errors, 2);
  assert.equal(seen.counters.at(-1)!.requests, 2);
  assert.deepEqual(seen.problems.at(-1), invalid);
  // Only 502/504 say the backend is unreachable.
  assert.deepEqual(outcomes, [true, true, false, true]);
});

Deno.test("LiveStream.generate() and inject() send what the controls say and report in words", async () => {
  const { s, seen, calls } = stream();
  await s.generate();
  assert.equal(calls[0].readings.length, 50);
  assert.equal(calls[0].newConnection, true);
  assert.equal(seen.status.at(-1), "Scored one batch of 50 readings.");
  await s.inject();
  assert.deepEqual(calls[1].readings.map((r) => [r.voltage, r.current, r.frequency]), [[
    275,
    28,
    50.7,
  ]]);
  assert.equal(seen.status.at(-1), "Injected 275 V, 28 A, 50.7 Hz: flagged as an anomaly.");
  assert.equal(seen.rows.at(-1)![0].kind, "injected extreme reading");
  const failing = stream({
    predict: () =>
      Promise.resolve({
        ok: false,
        latencyMs: 1,
        problem: { title: "Backend unreachable", detail: "x", status: 502 },
      }),
  });
  await failing.s.generate();
  assert.equal(failing.seen.status.at(-1), "Sending a batch of 50 readings failed.");
  await failing.s.inject();
  assert.equal(failing.seen.status.at(-1), "Injecting the extreme reading failed.");
});

Deno.test("LiveStream.reset() clears counters, rows and charts", async () => {
  const { s, seen } = stream();
  await s.generate();
  s.reset();
  assert.equal(seen.cleared, 1);
  assert.equal(seen.counters.at(-1)!.points, 0);
  assert.deepEqual(seen.rows.at(-1), []);
  assert.equal(s.latencyCount, 0);
  assert.equal(seen.status.at(-1), "Counters, charts and table cleared.");
});

Deno.test("LiveStream streaming keeps at most two requests in flight, skips busy ticks and backs off after a failure", async () => {
  let now = 0;
  const pending: ((o: Outcome<PredictResponse>) => void)[] = [];
  let ticks = 0;
  let sent = 0;
  const holder: { stream?: LiveStream } = {};
  const made = stream({
    now: () => now,
    // Each tick advances the fake clock; the loop is stopped after 40 ticks.
    sleep: async (ms) => {
      now += ms;
      if (++ticks === 40) holder.stream?.stop();
      await Promise.resolve();
    },
    predict: () => {
      sent++;
      return new Promise((resolve) => pending.push(resolve));
    },
  });
  const s = made.s;
  holder.stream = s;
  const run = s.start();
  // Let a few ticks pass with no answer: only MAX_IN_FLIGHT requests go out.
  while (ticks < 10) await Promise.resolve();
  assert.equal(sent, MAX_IN_FLIGHT);
  // Both fail: nothing is sent for RETRY_MS (20 ticks of 100 ms) after the failure.
  const failedAt = now;
  for (const resolve of pending.splice(0)) {
    resolve({
      ok: false,
      latencyMs: 1,
      problem: { title: "Backend unreachable", detail: "x", status: 502 },
    });
  }
  while (sent === MAX_IN_FLIGHT && ticks < 40) await Promise.resolve();
  assert.ok(now - failedAt >= RETRY_MS, `resent after ${now - failedAt} ms`);
  await run;
  assert.equal(s.streaming, false);
  assert.deepEqual(made.seen.streaming, [true, false]);
  assert.deepEqual(made.seen.status, ["Streaming started.", "Streaming stopped."]);
  assert.ok(sent > MAX_IN_FLIGHT && sent <= MAX_IN_FLIGHT * 2, `sent ${sent}`);
});

Deno.test("DrawScheduler draws once for many requests and not sooner than its interval", async () => {
  let now = 1_000;
  let draws = 0;
  const scheduler = new DrawScheduler(() => draws++, 200, { frame: (fn) => fn(), now: () => now });
  for (let i = 0; i < 5; i++) scheduler.schedule();
  const until = async (n: number) => {
    const deadline = Date.now() + 2_000;
    while (draws < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };
  await until(1);
  assert.equal(draws, 1);
  now += 50;
  scheduler.schedule();
  scheduler.cancel();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(draws, 1, "a cancelled draw does not happen");
  now += 200;
  scheduler.schedule();
  await until(2);
  assert.equal(draws, 2);
});

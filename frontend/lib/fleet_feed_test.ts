import assert from "node:assert/strict";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { TRAINING_FLEET } from "../../backend/detector/mod.ts";
import {
  extremeReading,
  type FeedReading,
  FLEET_STREAM_DEFAULTS,
  FleetFeed,
  MeterContext,
  toWire,
} from "./fleet_feed.ts";

const options = { seed: 3, meters: 3, intervalMs: 10_000, segment: 200, meanGap: 40 };

function take(feed: FleetFeed, chunks: number[]): FeedReading[] {
  return chunks.flatMap((n) => feed.next(n));
}

Deno.test("FleetFeed.next() gives the same stream however it is cut into requests", () => {
  const a = take(new FleetFeed(options), [4, 4, 4, 100, 300]);
  const b = take(new FleetFeed(options), [1, 411]);
  assert.equal(a.length, 412 * 3);
  assert.deepEqual(a, b);
  assert.notDeepEqual(take(new FleetFeed({ ...options, seed: 4 }), [412]), a);
});

Deno.test("FleetFeed.next() is the fleet simulator's stream, segment after segment on one time line", () => {
  const feed = new FleetFeed(options);
  const got = take(feed, [450]);
  const first = simulateFleet({
    seed: 3,
    meterSeed: 42,
    meters: 3,
    readingsPerMeter: 200,
    intervalMs: 10_000,
    meanGap: 40,
    start: feed.options.start,
  });
  // The first segment is the simulator's output with its labels, meters interleaved in time order.
  got.slice(0, 600).forEach((r, i) => {
    const s = first.readings[i];
    assert.equal(r.voltage, s.voltage);
    assert.equal(r.meter_id, s.meter_id);
    assert.equal(r.anomaly, s.anomaly);
    assert.equal(r.kind, s.kind);
  });
  const times = got.filter((r) => r.meter_id === "meter-02").map((r) => Date.parse(r.timestamp));
  times.slice(1).forEach((t, k) => assert.equal(t - times[k], 10_000));
  assert.deepEqual(feed.meterIds, ["meter-01", "meter-02", "meter-03"]);
});

Deno.test("FleetFeed ids events across the stream and marks each event's last reading once", () => {
  const got = take(new FleetFeed(options), [1_000]);
  const ids = new Set(got.flatMap((r) => r.event === null ? [] : [r.event]));
  assert.ok(ids.size > 10, `only ${ids.size} events`);
  for (const id of ids) {
    const rows = got.filter((r) => r.event === id);
    assert.equal(new Set(rows.map((r) => r.meter_id)).size, 1, `event ${id} spans meters`);
    assert.equal(rows.filter((r) => r.eventEnd).length, 1, `event ${id}`);
    assert.equal(rows.at(-1)!.eventEnd, true);
    assert.ok(rows.every((r) => r.anomaly && r.kind === rows[0].kind));
  }
});

Deno.test("FleetFeed refuses a meter count out of range", () => {
  assert.throws(() => new FleetFeed({ ...options, meters: 0 }), RangeError);
  assert.throws(() => new FleetFeed({ ...options, meters: 65 }), /1 to 64, got 65/);
});

Deno.test("MeterContext keeps each meter's last readings in time order and resizes", () => {
  const feed = new FleetFeed(options);
  const ctx = new MeterContext(2);
  assert.deepEqual(ctx.context(), []);
  const a = feed.next(3);
  ctx.push(a);
  const kept = ctx.context();
  assert.equal(kept.length, 6);
  for (const id of feed.meterIds) {
    const mine = a.filter((r) => r.meter_id === id).slice(-2);
    assert.deepEqual(kept.filter((r) => r.meter_id === id), mine);
  }
  ctx.resize(1);
  assert.equal(ctx.context().length, 3);
  ctx.resize(0);
  ctx.push(feed.next(1));
  assert.deepEqual(ctx.context(), []);
});

Deno.test("extremeReading() and toWire() send the features, meter and time, never the labels", () => {
  const r = extremeReading("meter-02", "2026-01-02T00:00:00.001Z");
  assert.equal(r.anomaly, true);
  assert.equal(r.kind, "injected");
  assert.deepEqual(toWire(r), {
    voltage: 275,
    current: 28,
    frequency: 50.7,
    meter_id: "meter-02",
    timestamp: "2026-01-02T00:00:00.001Z",
  });
});

Deno.test("FLEET_STREAM_DEFAULTS streams the meters and cadence the service's fleet model is trained on", () => {
  // A window of 8 readings must span the time it spanned in training (fleet_training.ts).
  assert.equal(FLEET_STREAM_DEFAULTS.intervalMs, TRAINING_FLEET.intervalMs);
  assert.equal(FLEET_STREAM_DEFAULTS.meters, TRAINING_FLEET.meters);
});

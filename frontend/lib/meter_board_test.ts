import assert from "node:assert/strict";
import type { FeedReading } from "./fleet_feed.ts";
import { MeterBoard, type MeterPoint, runs } from "./meter_board.ts";

function reading(meter: string, anomaly = false, kind: FeedReading["kind"] = null): FeedReading {
  return {
    voltage: 230,
    current: 10,
    frequency: 50,
    meter_id: meter,
    timestamp: "2026-01-02T00:00:00.000Z",
    anomaly,
    kind,
    event: anomaly ? 1 : null,
    eventEnd: false,
  };
}

const point = (i: number, flagged: boolean): MeterPoint => ({
  i,
  voltage: 230,
  current: 10,
  frequency: 50,
  flagged,
  truth: false,
  kind: null,
});

Deno.test("runs() joins consecutive points into intervals and splits at gaps", () => {
  const pts = [point(0, true), point(1, true), point(2, false), point(3, true), point(5, true)];
  assert.deepEqual(runs(pts, (p) => p.flagged), [
    { from: 0, to: 1 },
    { from: 3, to: 3 },
    { from: 5, to: 5 },
  ]);
  assert.deepEqual(runs([], (p) => p.flagged), []);
});

Deno.test("MeterBoard keeps each meter's last points, its alarm and event intervals and its status", () => {
  const board = new MeterBoard(["meter-01", "meter-02"], 4);
  const flags = [false, true, true, false, true, true];
  flags.forEach((f, k) => board.add(reading("meter-01", k >= 4, k >= 4 ? "drift" : null), f));
  board.add(reading("meter-02"), false);
  const [a, b] = board.views();
  assert.equal(a.id, "meter-01");
  assert.deepEqual(a.points.map((p) => p.i), [2, 3, 4, 5]);
  assert.deepEqual(a.alarms, [{ from: 2, to: 2 }, { from: 4, to: 5 }]);
  assert.deepEqual(a.events, [{ from: 4, to: 5, kind: "drift" }]);
  assert.equal(a.alarm, true);
  assert.equal(a.inEvent, "drift");
  assert.equal(a.flaggedTotal, 4);
  assert.equal(a.alarmTotal, 2, "two runs of flagged readings since the start");
  assert.equal(b.alarm, false);
  assert.equal(b.inEvent, null);
  board.clear();
  assert.deepEqual(board.views().map((v) => v.points.length), [0, 0]);
});

Deno.test("MeterBoard adds a meter it was not told about after the others", () => {
  const board = new MeterBoard(["meter-01"], 3);
  board.add(reading("meter-09"), true);
  assert.deepEqual(board.views().map((v) => v.id), ["meter-01", "meter-09"]);
});

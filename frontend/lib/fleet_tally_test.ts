import assert from "node:assert/strict";
import type { FeedReading } from "./fleet_feed.ts";
import { emptyTally, eventRecall, FleetScorer } from "./fleet_tally.ts";
import { precision, recall } from "./stats.ts";

function reading(over: Partial<FeedReading> = {}): FeedReading {
  return {
    voltage: 230,
    current: 10,
    frequency: 50,
    meter_id: "meter-01",
    timestamp: "2026-01-02T00:00:00.000Z",
    anomaly: false,
    kind: null,
    event: null,
    eventEnd: false,
    ...over,
  };
}

const sag = (event: number, end = false) =>
  reading({ anomaly: true, kind: "sustained_sag", event, eventEnd: end });

Deno.test("FleetScorer counts readings against labels: precision and recall are the counts' arithmetic", () => {
  const s = new FleetScorer();
  s.add(reading(), false); // tn
  s.add(reading(), true); // fp
  s.add(sag(0), true); // tp
  s.add(sag(0), false); // fn
  s.add(sag(0, true), true); // tp
  const t = s.tally();
  assert.deepEqual(t.confusion, { tp: 2, fp: 1, fn: 1, tn: 1 });
  assert.equal(t.readings, 5);
  assert.equal(t.flagged, 3);
  assert.equal(t.labelled, 3);
  assert.equal(precision(t.confusion), 2 / 3);
  assert.equal(recall(t.confusion), 2 / 3);
});

Deno.test("FleetScorer counts an event when it ends: detected when any of its readings was flagged", () => {
  const s = new FleetScorer();
  s.add(sag(0), true);
  s.add(sag(1), false);
  assert.equal(eventRecall(s.tally().events), null, "no event ended yet");
  assert.equal(s.openEvents, 2);
  s.add(sag(0, true), false);
  s.add(reading({ anomaly: true, kind: "drift", event: 2, eventEnd: true }), false);
  s.add(sag(1, true), false);
  const t = s.tally();
  assert.deepEqual(t.events, { ended: 3, detected: 1 });
  assert.deepEqual(t.byKind, {
    sustained_sag: { ended: 2, detected: 1 },
    drift: { ended: 1, detected: 0 },
  });
  assert.equal(eventRecall(t.events), 1 / 3);
  assert.equal(s.openEvents, 0);
});

Deno.test("FleetScorer counts an injected reading as a labelled anomaly, not an event", () => {
  const s = new FleetScorer();
  s.add(reading({ anomaly: true, kind: "injected" }), true);
  const t = s.tally();
  assert.deepEqual(t.confusion, { tp: 1, fp: 0, fn: 0, tn: 0 });
  assert.deepEqual(t.events, { ended: 0, detected: 0 });
});

Deno.test("FleetScorer.tally() is a copy the scorer does not change afterwards", () => {
  const s = new FleetScorer();
  const before = s.tally();
  s.add(sag(0, true), true);
  assert.deepEqual(before, emptyTally());
});

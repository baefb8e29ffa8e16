import assert from "node:assert/strict";
import { detectEvents, eventsFromLabels } from "./events.ts";

Deno.test("eventsFromLabels() splits runs of anomalies per meter", () => {
  // Meter a: rows 0,2,4,6 labeled 1,1,0,1; meter b: rows 1,3,5 labeled 1,1,1.
  const labels = [true, true, true, true, false, true, true];
  const keys = ["a", "b", "a", "b", "a", "b", "a"];
  assert.deepEqual(eventsFromLabels(labels, keys), [
    { rows: [0, 2] },
    { rows: [1, 3, 5] },
    { rows: [6] },
  ]);
  assert.deepEqual(eventsFromLabels([false, true, true, false, true], null), [
    { rows: [1, 2] },
    { rows: [4] },
  ]);
});

Deno.test("detectEvents() counts an event once and measures the delay in readings", () => {
  const events = [{ rows: [0, 1, 2] }, { rows: [5, 6, 7, 8] }, { rows: [10] }];
  const flags = [false, false, true, false, false, false, true, true, false, false, false];
  const d = detectEvents(flags, events);
  assert.equal(d.events, 3);
  assert.equal(d.detected, 2);
  assert.equal(d.recall, 2 / 3);
  assert.deepEqual(d.delays, [2, 1]);
  assert.equal(d.medianDelay, 1.5);
  assert.ok(Number.isNaN(detectEvents([], []).recall));
});

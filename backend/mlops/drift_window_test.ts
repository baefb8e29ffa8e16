import assert from "node:assert/strict";
import { DriftWindow } from "./drift_window.ts";

const rows = (n: number, value: number) => Array.from({ length: n }, () => ({ x: value }));

Deno.test("DriftWindow keeps every reading while a slice gets at most capacity / slices, in column order", () => {
  let now = 0;
  const w = new DriftWindow(["x", "y"], { capacity: 100, maxAgeMs: 10_000, now: () => now });
  w.observe([{ x: 1, y: 2 }, { x: 3, y: 4 }]);
  now = 5_000;
  w.observe([{ x: 5, y: 6 }]);
  assert.equal(w.size, 3);
  assert.deepEqual([...w.sample()], [1, 2, 3, 4, 5, 6]);
});

Deno.test("DriftWindow holds at most capacity readings, sampled from every time slice", () => {
  let now = 0;
  const w = new DriftWindow(["x"], { capacity: 100, maxAgeMs: 10_000, seed: 1, now: () => now });
  for (let t = 0; t < 10_000; t += 100) {
    now = t;
    w.observe(rows(500, t));
  }
  assert.equal(w.size, 100);
  // Ten per one-second slice: each second of the window is represented equally.
  const perSecond = new Map<number, number>();
  for (const v of w.sample()) {
    perSecond.set(Math.floor(v / 1000), (perSecond.get(Math.floor(v / 1000)) ?? 0) + 1);
  }
  assert.deepEqual([...perSecond.values()], Array(10).fill(10));
});

Deno.test("DriftWindow keeps a burst visible for its age whatever the traffic after it, then forgets it", () => {
  let now = 0;
  const w = new DriftWindow(["x"], { capacity: 1_000, maxAgeMs: 60_000, seed: 2, now: () => now });
  w.observe(rows(2_000, 99)); // one six-second slice of drifted readings
  for (let t = 6_000; t < 60_000; t += 100) {
    now = t;
    w.observe(rows(2_000, 0));
  }
  assert.equal([...w.sample()].filter((v) => v === 99).length, 100);
  now = 61_000;
  w.observe(rows(10, 0));
  assert.equal([...w.sample()].filter((v) => v === 99).length, 0);
});

Deno.test("DriftWindow is empty once traffic stops for longer than its age", () => {
  let now = 0;
  const w = new DriftWindow(["x"], { capacity: 100, maxAgeMs: 10_000, now: () => now });
  w.observe(rows(50, 1));
  now = 9_999;
  assert.equal(w.size, 10);
  now = 20_001;
  assert.equal(w.size, 0);
  assert.equal(w.sample().length, 0);
});

Deno.test("DriftWindow rejects a capacity below its slice count and a non-positive age", () => {
  assert.throws(() => new DriftWindow(["x"], { capacity: 5, maxAgeMs: 1 }), /got 5/);
  assert.throws(() => new DriftWindow(["x"], { capacity: 100, maxAgeMs: 0 }), /got 0/);
});

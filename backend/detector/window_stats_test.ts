import assert from "node:assert/strict";
import {
  CLIP,
  SPREAD_FLOOR,
  STATS_PER_CHANNEL,
  WindowScratch,
  windowStats,
} from "./window_stats.ts";
import { previousInStream } from "./streams.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

Deno.test("windowStats() gives value, mean, log sd and log step over the meter's window", () => {
  // Two channels, two meters interleaved: meter a has rows 0, 2, 4, 6.
  const u = new Float64Array([1, 1, 2, 2, 0.3, 1, 2, 2, 0.2, 1, 2, 2, 0.6, 1]);
  const prev = previousInStream(["a", "b", "a", "b", "a", "b", "a"], 7);
  const scratch = new WindowScratch(2);
  const n = windowStats(u, 2, prev, 6, 3, scratch);
  assert.equal(n, 3);
  const s = scratch.stats;
  // Channel 0 over rows 2, 4, 6: 0.3, 0.2, 0.6.
  close(s[0], 0.6);
  const mean = 1.1 / 3;
  close(s[1], mean);
  const sd = Math.sqrt(((0.3 - mean) ** 2 + (0.2 - mean) ** 2 + (0.6 - mean) ** 2) / 3);
  close(s[2], Math.log(sd + SPREAD_FLOOR));
  close(s[3], Math.log((0.1 + 0.4) / 2 + SPREAD_FLOOR));
  close(s[4], (0.09 + 0.04 + 0.36) / 3);
  // Channel 1 is constant: a stuck sensor's floor.
  close(s[STATS_PER_CHANNEL + 2], Math.log(SPREAD_FLOOR));
  close(s[STATS_PER_CHANNEL + 3], Math.log(SPREAD_FLOOR));
});

Deno.test("windowStats() shortens the window at a stream's start and reports each length", () => {
  const u = new Float64Array([0.5, 0.7, 0.4]);
  const prev = previousInStream(null, 3);
  const scratch = new WindowScratch(1);
  const seen: [number, number][] = [];
  const n = windowStats(u, 1, prev, 2, 10, scratch, (k, stats) => seen.push([k, stats[1]]));
  assert.equal(n, 3);
  seen.forEach(([k, mean], i) => {
    assert.equal(k, i + 1);
    close(mean, [0.4, 0.55, 1.6 / 3][i]);
  });
  assert.equal(windowStats(u, 1, prev, 0, 10, scratch), 1);
  assert.equal(scratch.stats[3], 0);
});

Deno.test("windowStats() clips window values at ±CLIP but not the reading's own value", () => {
  const u = new Float64Array([0, 0, -65]);
  const scratch = new WindowScratch(1);
  windowStats(u, 1, previousInStream(null, 3), 2, 3, scratch);
  assert.equal(scratch.stats[0], -65);
  close(scratch.stats[1], -CLIP / 3);
  close(scratch.stats[4], (CLIP * CLIP) / 3);
});

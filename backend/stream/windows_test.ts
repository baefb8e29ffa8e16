import assert from "node:assert/strict";
import { advance, contextLength, decodeWindow, encodeWindow, staleMeters } from "./windows.ts";

const reading = (v: number) => ({ voltage: v, current: 10, frequency: 50 });

Deno.test("contextLength() is window - 1 for a temporal model and 0 for the forest", () => {
  assert.equal(contextLength({ config: { window: 8, contamination: 0.01 } }), 7);
  assert.equal(contextLength({ config: { contamination: 0.05, nEstimators: 200 } }), 0);
});

Deno.test("advance() keeps the last readings up to the context length, oldest first", () => {
  let w = advance(undefined, reading(1), { time: 1, partition: 3, offset: 10n, keep: 2 });
  w = advance(w, reading(2), { time: 2, partition: 3, offset: 11n, keep: 2 });
  const before = w;
  w = advance(w, reading(3), { time: 3, partition: 3, offset: 12n, keep: 2 });
  assert.deepEqual(w.readings.map((r) => r.voltage), [2, 3]);
  assert.equal(w.lastTime, 3);
  assert.equal(w.offset, 12n);
  // The window it came from is unchanged: it is applied only after the outputs are acknowledged.
  assert.deepEqual(before.readings.map((r) => r.voltage), [1, 2]);
  const forest = advance(undefined, reading(1), { time: 1, partition: 0, offset: 0n, keep: 0 });
  assert.deepEqual(forest.readings, []);
});

Deno.test("decodeWindow() reads what encodeWindow() wrote and refuses anything else", () => {
  const w = advance(undefined, reading(1), { time: 5, partition: 2, offset: 2n ** 40n, keep: 7 });
  assert.deepEqual(decodeWindow(encodeWindow(w)), w);
  assert.throws(
    () => decodeWindow('{"readings":[],"last_time":1,"partition":0,"offset":"-1"}'),
    TypeError,
  );
  assert.throws(() => decodeWindow('{"readings":{}}'), TypeError);
  assert.throws(() => decodeWindow("not json"), SyntaxError);
});

Deno.test("staleMeters(): by each partition's newest reading, never past now, strictly older than the TTL", () => {
  const H = 3_600_000;
  const at = (time: number, partition: number) =>
    advance(undefined, reading(1), { time, partition, offset: 0n, keep: 7 });
  const now = 100 * H;
  const windows = new Map([
    ["a", at(10 * H, 0)], // partition 0 is a backlog at 12 h: a is 2 h behind its newest
    ["b", at(11.5 * H, 0)], // 0.5 h behind: kept
    ["c", at(12 * H, 0)],
    ["d", at(98 * H, 1)], // exactly the TTL behind partition 1's newest: kept
    ["e", at(99 * H, 1)],
    ["f", at(50 * H, 2)], // alone in its partition: it is the newest
    ["g", at(90 * H, 3)], // partition 3's runaway clock: h reports from the future
    ["h", at(500 * H, 3)],
  ]);
  assert.deepEqual(staleMeters(windows, H, now), new Map([["a", 0], ["g", 3]]));
  assert.deepEqual(staleMeters(windows, 1000 * H, now), new Map());
  assert.deepEqual(staleMeters(new Map(), H, now), new Map());
});

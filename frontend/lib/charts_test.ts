import assert from "node:assert/strict";
import { appendPoints, type Chart, SERIES, SIGNALS, type XY } from "./charts.ts";

function fakeChart(): Chart<"line", XY[]> {
  return { data: { datasets: [{ data: [] }, { data: [] }, { data: [] }] } } as unknown as Chart<
    "line",
    XY[]
  >;
}

Deno.test("appendPoints() keeps the last `window` points and drops markers that left the window", () => {
  const chart = fakeChart();
  const pts = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ x: from + i, y: 230 }));
  appendPoints(chart, {
    line: pts(1, 6),
    flagged: [{ x: 2, y: 275 }],
    missed: [{ x: 5, y: 190 }],
    window: 5,
  });
  const sets = chart.data.datasets;
  assert.deepEqual(sets[SERIES.line].data.map((p) => p.x), [2, 3, 4, 5, 6]);
  assert.deepEqual(sets[SERIES.flagged].data.map((p) => p.x), [2]);
  appendPoints(chart, { line: pts(7, 8), flagged: [{ x: 8, y: 275 }], missed: [], window: 5 });
  assert.deepEqual(sets[SERIES.line].data.map((p) => p.x), [4, 5, 6, 7, 8]);
  assert.deepEqual(sets[SERIES.flagged].data.map((p) => p.x), [8]);
  assert.deepEqual(sets[SERIES.missed].data.map((p) => p.x), [5]);
});

Deno.test("SIGNALS draw the EN 50160 bands the backend's reasons cite, and none for current", () => {
  assert.deepEqual([SIGNALS.voltage.band.low, SIGNALS.voltage.band.high], [207, 253]);
  assert.deepEqual([SIGNALS.frequency.band.low, SIGNALS.frequency.band.high], [49.5, 50.5]);
  assert.equal("band" in SIGNALS.current, false);
});

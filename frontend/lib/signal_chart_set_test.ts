import assert from "node:assert/strict";
import { waitFor } from "../../testing/poll.ts";
import { type Chart, SERIES, type SignalChartSpec, type XY } from "./charts.ts";
import type { SignalName, SignalPoints } from "./live_stream.ts";
import { SignalChartSet } from "./signal_chart_set.ts";

/** A chart.js stand-in: three datasets, counted updates, a destroyed flag. */
function fakeChart(spec: SignalChartSpec) {
  const chart = {
    spec,
    updates: 0,
    destroyed: false,
    data: { datasets: [{ data: [] as XY[] }, { data: [] as XY[] }, { data: [] as XY[] }] },
    update() {
      chart.updates++;
    },
    destroy() {
      chart.destroyed = true;
    },
  };
  return chart;
}
type FakeChart = ReturnType<typeof fakeChart>;

/** A set whose charts are fakes, drawn at once (no animation frame), with figures and canvases for `names`. */
function chartSet(names: SignalName[], window = 3, drawEveryMs = 0) {
  const charts: Partial<Record<SignalName, FakeChart>> = {};
  const figures: Partial<Record<SignalName, { dataset: Record<string, string> }>> = {};
  const set = new SignalChartSet(window, drawEveryMs, {
    create: (canvas, spec) => {
      const chart = fakeChart(spec);
      charts[(canvas as unknown as { name: SignalName }).name] = chart;
      return chart as unknown as Chart<"line", XY[]>;
    },
    frame: (fn) => fn(),
  });
  for (const name of names) {
    figures[name] = { dataset: { points: "0", flagged: "0" } };
    set.figureRef(name, figures[name] as unknown as HTMLElement);
    set.canvasRef(name, { name } as unknown as HTMLCanvasElement);
  }
  return { set, charts, figures };
}

const points = (xs: number[], flagged: number[] = []): Record<SignalName, SignalPoints> => {
  const one = {
    line: xs.map((x) => ({ x, y: 230 })),
    flagged: flagged.map((x) => ({ x, y: 275 })),
    missed: [],
  };
  return { voltage: one, current: one, frequency: one };
};

const until = (condition: () => boolean, what: string) =>
  waitFor(() => condition() || undefined, { what, timeoutMs: 2_000, intervalMs: 5 });

Deno.test("SignalChartSet.mount() makes a chart per canvas received, with that signal's spec", () => {
  const { set, charts } = chartSet(["voltage", "frequency"]);
  set.mount();
  assert.deepEqual(Object.keys(charts).sort(), ["frequency", "voltage"]);
  assert.match(charts.voltage!.spec.label, /Voltage/);
  assert.match(charts.frequency!.spec.label, /Frequency/);
  set.destroy();
});

Deno.test("SignalChartSet.append() keeps the window and the redraw tells the figures what they show", async () => {
  const { set, charts, figures } = chartSet(["voltage", "current", "frequency"], 3);
  set.mount();
  set.append(points([1, 2, 3, 4, 5], [4]));
  await until(() => figures.voltage!.dataset.points === "3", "the first redraw");
  for (const name of ["voltage", "current", "frequency"] as const) {
    assert.deepEqual(charts[name]!.data.datasets[SERIES.line].data.map((p) => p.x), [3, 4, 5]);
    assert.equal(figures[name]!.dataset.flagged, "1");
    assert.equal(charts[name]!.updates, 1);
  }
  set.destroy();
});

Deno.test("SignalChartSet.clear() empties the charts and the figures' counts", async () => {
  const { set, charts, figures } = chartSet(["voltage"]);
  set.mount();
  set.append(points([1, 2], [2]));
  await until(() => figures.voltage!.dataset.points === "2", "the redraw");
  set.clear();
  assert.equal(charts.voltage!.data.datasets.every((d) => d.data.length === 0), true);
  assert.deepEqual(figures.voltage!.dataset, { points: "0", flagged: "0" });
  set.destroy();
});

/** Run `fn` while counting timers that were started and neither fired nor cleared. */
async function withPendingTimers(fn: (pending: () => number) => Promise<void>): Promise<void> {
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  const live = new Set<unknown>();
  globalThis.setTimeout = ((cb: () => void, ms?: number) => {
    const id = set(() => {
      live.delete(id);
      cb();
    }, ms);
    live.add(id);
    return id;
  }) as typeof globalThis.setTimeout;
  globalThis.clearTimeout = ((id?: Parameters<typeof clear>[0]) => {
    live.delete(id);
    clear(id);
  }) as typeof globalThis.clearTimeout;
  try {
    await fn(() => live.size);
  } finally {
    for (const id of live) clear(id as Parameters<typeof clear>[0]);
    globalThis.setTimeout = set;
    globalThis.clearTimeout = clear;
  }
}

Deno.test("SignalChartSet.destroy() cancels a pending redraw and destroys every chart", async () => {
  await withPendingTimers(async (pending) => {
    // A minute between redraws: after the first, the next waits that long.
    const { set, charts, figures } = chartSet(["voltage", "current"], 3, 60_000);
    set.mount();
    set.append(points([1]));
    await until(() => figures.voltage!.dataset.points === "1", "the first redraw");
    set.append(points([2]));
    assert.equal(pending(), 1, "the second redraw waits");
    set.destroy();
    assert.equal(pending(), 0, "destroy() cancelled it");
    assert.equal(charts.voltage!.destroyed && charts.current!.destroyed, true);
    assert.equal(charts.voltage!.updates, 1);
  });
});

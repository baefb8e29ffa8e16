/**
 * The live stream's three charts as one object: the chart.js instances, the
 * figure elements that expose what each canvas shows (`data-points`,
 * `data-flagged`), and redraws batched by a {@link DrawScheduler}. The island
 * hands it elements through refs and points from the stream.
 */
import {
  appendPoints,
  type Chart,
  clearChart,
  createSignalChart,
  SERIES,
  type SignalChartSpec,
  SIGNALS,
  type XY,
} from "./charts.ts";
import { DrawScheduler, SIGNAL_NAMES, type SignalName, type SignalPoints } from "./live_stream.ts";

/** Options for {@link SignalChartSet}; tests pass fakes for chart.js and the animation frame. */
export interface SignalChartSetOptions {
  /** Make a signal's chart on its canvas (default chart.js through `createSignalChart`). */
  create?: (canvas: HTMLCanvasElement, spec: SignalChartSpec) => Chart<"line", XY[]>;
  /** Run a redraw (default on the next animation frame). */
  frame?: (fn: () => void) => void;
}

/** Chart per signal, created on {@link SignalChartSet.mount}. */
export class SignalChartSet {
  readonly #window: number;
  readonly #create: NonNullable<SignalChartSetOptions["create"]>;
  readonly #charts: Partial<Record<SignalName, Chart<"line", XY[]>>> = {};
  readonly #canvases: Partial<Record<SignalName, HTMLCanvasElement | null>> = {};
  readonly #figures: Partial<Record<SignalName, HTMLElement | null>> = {};
  readonly #draw: DrawScheduler;

  /** Keep `window` points per chart; redraw at most every `drawEveryMs`. */
  constructor(window: number, drawEveryMs: number, options: SignalChartSetOptions = {}) {
    this.#window = window;
    this.#create = options.create ?? createSignalChart;
    this.#draw = new DrawScheduler(
      () => this.#redraw(),
      drawEveryMs,
      options.frame ? { frame: options.frame } : {},
    );
  }

  /** Ref callback for a signal's figure. */
  readonly figureRef = (name: SignalName, el: HTMLElement | null): void => {
    this.#figures[name] = el;
  };

  /** Ref callback for a signal's canvas. */
  readonly canvasRef = (name: SignalName, el: HTMLCanvasElement | null): void => {
    this.#canvases[name] = el;
  };

  /** Create the charts on the canvases received so far (after the first render). */
  mount(): void {
    for (const name of SIGNAL_NAMES) {
      const canvas = this.#canvases[name];
      if (canvas) this.#charts[name] = this.#create(canvas, SIGNALS[name]);
    }
  }

  /** Append new points and schedule a redraw. */
  append(points: Record<SignalName, SignalPoints>): void {
    for (const name of SIGNAL_NAMES) {
      const chart = this.#charts[name];
      if (chart) appendPoints(chart, { ...points[name], window: this.#window });
    }
    this.#draw.schedule();
  }

  /** Empty every chart. */
  clear(): void {
    for (const c of Object.values(this.#charts)) if (c) clearChart(c);
    for (const f of Object.values(this.#figures)) {
      if (f) f.dataset.points = f.dataset.flagged = "0";
    }
  }

  /** Destroy the charts (the island unmounts). */
  destroy(): void {
    this.#draw.cancel();
    for (const name of SIGNAL_NAMES) {
      this.#charts[name]?.destroy();
      delete this.#charts[name];
    }
  }

  #redraw(): void {
    for (const name of SIGNAL_NAMES) {
      const chart = this.#charts[name];
      if (!chart) continue;
      chart.update("none");
      // For tests and curious readers: what the canvas currently shows.
      const fig = this.#figures[name];
      if (fig) {
        fig.dataset.points = String(chart.data.datasets[SERIES.line].data.length);
        fig.dataset.flagged = String(chart.data.datasets[SERIES.flagged].data.length);
      }
    }
  }
}

/**
 * chart.js set-up for the islands: only the controllers and elements used are
 * registered (tree-shaking keeps the bundle small), one chart per signal so
 * each has its own scale, limit bands drawn by a tiny plugin, and anomaly
 * markers that differ by shape, not only colour.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartDataset,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  Tooltip,
);

/** A horizontal band of normal operation, drawn behind the data. */
export interface Band {
  low: number;
  high: number;
  /** Legend-like text drawn inside the band, e.g. "EN 50160 ±10 %". */
  label: string;
}

/** One signal chart's look. */
export interface SignalChartSpec {
  /** Dataset label, e.g. "Voltage (V)". */
  label: string;
  /** Y axis title. */
  unit: string;
  color: string;
  band?: Band;
  suggestedMin?: number;
  suggestedMax?: number;
}

/** The three signals: each on its own scale; bands are the ones the backend's reasons cite. */
export const SIGNALS = {
  voltage: {
    label: "Voltage (V)",
    unit: "V",
    color: "#1f5fa8",
    band: { low: 207, high: 253, label: "EN 50160 ±10 % (207–253 V)" },
    suggestedMin: 195,
    suggestedMax: 265,
  },
  current: { label: "Current (A)", unit: "A", color: "#b35900", suggestedMin: 0, suggestedMax: 25 },
  frequency: {
    label: "Frequency (Hz)",
    unit: "Hz",
    color: "#5b3fa0",
    band: { low: 49.5, high: 50.5, label: "EN 50160 ±1 % (49.5–50.5 Hz)" },
    suggestedMin: 49.3,
    suggestedMax: 50.7,
  },
} as const satisfies Record<string, SignalChartSpec>;

/** A point on a signal chart. */
export interface XY {
  x: number;
  y: number;
}

/** Dataset indexes of a signal chart. */
export const SERIES = { line: 0, flagged: 1, missed: 2 } as const;

function bandsPlugin(band: Band): Plugin<"line"> {
  return {
    id: "limitBand",
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const y = scales.y;
      if (!y || !chartArea) return;
      const top = Math.max(chartArea.top, y.getPixelForValue(band.high));
      const bottom = Math.min(chartArea.bottom, y.getPixelForValue(band.low));
      ctx.save();
      if (bottom > top) {
        ctx.fillStyle = "rgba(46, 139, 87, 0.10)";
        ctx.fillRect(chartArea.left, top, chartArea.right - chartArea.left, bottom - top);
      }
      ctx.strokeStyle = "rgba(46, 110, 70, 0.9)";
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1;
      for (const value of [band.low, band.high]) {
        const py = y.getPixelForValue(value);
        if (py < chartArea.top || py > chartArea.bottom) continue;
        ctx.beginPath();
        ctx.moveTo(chartArea.left, py);
        ctx.lineTo(chartArea.right, py);
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.fillStyle = "rgba(30, 80, 50, 0.95)";
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillText(band.label, chartArea.left + 6, Math.max(chartArea.top + 12, top + 12));
      ctx.restore();
    },
  };
}

/** Create a line chart for one signal with its flagged and missed anomaly markers. */
export function createSignalChart(
  canvas: HTMLCanvasElement,
  spec: SignalChartSpec,
): Chart<"line", XY[]> {
  const datasets: ChartDataset<"line", XY[]>[] = [
    {
      label: spec.label,
      data: [],
      borderColor: spec.color,
      backgroundColor: spec.color,
      borderWidth: 1.25,
      pointRadius: 0,
      pointHitRadius: 4,
      order: 2,
    },
    {
      label: "Flagged anomaly (▲)",
      data: [],
      showLine: false,
      pointStyle: "triangle",
      pointRadius: 7,
      pointHoverRadius: 9,
      backgroundColor: "#c62828",
      borderColor: "#5a0d0d",
      borderWidth: 1,
      order: 0,
    },
    {
      label: "Missed: labelled anomaly not flagged (✕)",
      data: [],
      showLine: false,
      pointStyle: "crossRot",
      pointRadius: 7,
      borderColor: "#111111",
      borderWidth: 2,
      order: 1,
    },
  ];
  return new Chart<"line", XY[]>(canvas, {
    type: "line",
    data: { datasets },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "nearest", intersect: false },
      scales: {
        x: {
          type: "linear",
          title: { display: true, text: "Reading #" },
          ticks: { maxTicksLimit: 8 },
        },
        y: {
          type: "linear",
          title: { display: true, text: spec.unit },
          suggestedMin: spec.suggestedMin,
          suggestedMax: spec.suggestedMax,
        },
      },
      plugins: {
        legend: { labels: { usePointStyle: true, boxHeight: 8 } },
        tooltip: { enabled: true },
      },
    },
    plugins: spec.band ? [bandsPlugin(spec.band)] : [],
  });
}

/** Points to add to a signal chart with {@link appendPoints}. */
export interface NewPoints {
  line: XY[];
  /** Readings the model flagged. */
  flagged: XY[];
  /** Labelled anomalies the model did not flag. */
  missed: XY[];
  /** Points of the line kept; older points and their markers are dropped. */
  window: number;
}

/** Append points to a signal chart and drop what falls out of the window (the caller calls `update`). */
export function appendPoints(
  chart: Chart<"line", XY[]>,
  { line, flagged, missed, window }: NewPoints,
): void {
  const sets = chart.data.datasets;
  const data = sets[SERIES.line].data;
  for (const p of line) data.push(p);
  if (data.length > window) data.splice(0, data.length - window);
  const minX = data.length > 0 ? data[0].x : 0;
  for (const [i, added] of [[SERIES.flagged, flagged], [SERIES.missed, missed]] as const) {
    const markers = sets[i].data;
    for (const p of added) markers.push(p);
    let drop = 0;
    while (drop < markers.length && markers[drop].x < minX) drop++;
    if (drop > 0) markers.splice(0, drop);
  }
}

/** Empty every dataset of a chart. */
export function clearChart(chart: Chart<"line", XY[]>): void {
  for (const ds of chart.data.datasets) ds.data.length = 0;
  chart.update("none");
}

/** Create the horizontal bar chart of requests per serving instance. */
export function createInstanceChart(canvas: HTMLCanvasElement): Chart<"bar", number[], string> {
  return new Chart<"bar", number[], string>(canvas, {
    type: "bar",
    data: {
      labels: [],
      datasets: [{ label: "Requests answered", data: [], backgroundColor: "#3d7ab8" }],
    },
    options: {
      indexAxis: "y",
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: "linear", beginAtZero: true, title: { display: true, text: "Requests" } },
        y: { type: "category", title: { display: true, text: "served_by" } },
      },
      plugins: { legend: { display: false }, tooltip: { enabled: true } },
    },
  });
}

/** The chart.js chart type, re-exported so islands need not import chart.js themselves. */
export type { Chart };

/** One figure per signal with a canvas the island draws into (chart.js), labelled for screen readers. */
import type { JSX } from "preact";
import { SIGNAL_NAMES, type SignalName } from "../lib/live_stream.ts";

/** Props of {@link SignalCharts}. */
export interface SignalChartsProps {
  /** Dataset label per signal, e.g. "Voltage (V)". */
  labels: Record<SignalName, string>;
  /** Points kept on each chart (said in the text alternative). */
  chartWindow: number;
  /** Receives each signal's figure element (it carries `data-points` and `data-flagged`). */
  figureRef?: (name: SignalName, el: HTMLElement | null) => void;
  /** Receives each signal's canvas. */
  canvasRef?: (name: SignalName, el: HTMLCanvasElement | null) => void;
}

/** The "Live signals" panel: a legend sentence and three empty figures. */
export function SignalCharts(
  { labels, chartWindow, figureRef, canvasRef }: SignalChartsProps,
): JSX.Element {
  return (
    <section class="panel charts" aria-labelledby="charts-heading">
      <h2 id="charts-heading">Live signals</h2>
      <p class="muted">
        Each signal has its own scale. Shaded bands: normal operation as the backend's reasons
        define it. ▲ = flagged by the model, ✕ = labelled anomalous by the simulator but not
        flagged.
      </p>
      {SIGNAL_NAMES.map((name) => (
        <figure
          key={name}
          class="chart"
          id={`chart-${name}`}
          data-points="0"
          data-flagged="0"
          ref={(el) => figureRef?.(name, el)}
        >
          <figcaption>{labels[name]}</figcaption>
          <div class="canvas-box">
            <canvas
              ref={(el) => canvasRef?.(name, el)}
              role="img"
              aria-label={`${
                labels[name]
              } over the last ${chartWindow} readings, flagged anomalies marked with triangles`}
            />
          </div>
        </figure>
      ))}
    </section>
  );
}

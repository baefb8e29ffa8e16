/**
 * Requests per serving instance (`served_by`) as a bar chart, from streaming
 * and bursts alike, so scaling out under the HPA is visible: more bars, and
 * with "New connection each request", bars of similar length.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { TableHead } from "../components/TableHead.tsx";
import { onServed } from "../lib/bus.ts";
import { type Chart, createInstanceChart } from "../lib/charts.ts";
import { addServed, busiest } from "../lib/served_counts.ts";

/** Props of {@link InstanceChart} (plain JSON). */
export interface InstanceChartProps {
  /** Bars shown at most (the busiest instances). */
  maxBars: number;
}

/** A bar chart plus the same figures as a table. */
export default function InstanceChart({ maxBars }: InstanceChartProps): JSX.Element {
  const [counts, setCounts] = useState<Record<string, number>>({});
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const chart = useRef<Chart<"bar", number[], string> | null>(null);
  const totals = useRef<Record<string, number>>({});
  const frame = useRef<ReturnType<typeof setTimeout> | 0>(0);

  useEffect(() => {
    if (canvas.current) chart.current = createInstanceChart(canvas.current);
    const stop = onServed((delta) => {
      addServed(totals.current, delta);
      if (frame.current) return;
      // Redraw at most twice a second: streaming reports every response.
      frame.current = setTimeout(() => {
        frame.current = 0;
        const top = busiest(totals.current, maxBars);
        const c = chart.current;
        if (c) {
          c.data.labels = top.map(([who]) => who);
          c.data.datasets[0].data = top.map(([, n]) => n);
          c.update("none");
        }
        setCounts({ ...totals.current });
      }, 500);
    });
    return () => {
      stop();
      clearTimeout(frame.current || undefined);
      chart.current?.destroy();
    };
  }, []);

  const entries = busiest(counts);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  return (
    <section class="panel instances" aria-labelledby="instances-heading">
      <h2 id="instances-heading">Requests per serving instance</h2>
      <figure class="chart" id="instance-chart" data-instances={entries.length} data-total={total}>
        <figcaption>
          {entries.length === 0
            ? "No requests answered yet."
            : `${total} requests answered by ${entries.length} instance${
              entries.length === 1 ? "" : "s"
            }`}
        </figcaption>
        <div class="canvas-box small">
          <canvas
            ref={canvas}
            role="img"
            aria-label="Bar chart of requests answered per backend instance"
          />
        </div>
      </figure>
      <table class="compact" id="instance-table">
        <caption class="visually-hidden">Requests per serving instance</caption>
        <TableHead columns={["served_by", "Requests", "Share"]} />
        <tbody>
          {entries.map(([who, n]) => (
            <tr key={who}>
              <td>
                <code>{who}</code>
              </td>
              <td>{n}</td>
              <td>{((n / total) * 100).toFixed(1)} %</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * Per-meter status at a glance: one small multiple per meter with its three
 * signals as sparklines, the simulator's events as shaded intervals and the
 * model's alarms as bars under them, and the status in words.
 */
import type { JSX } from "preact";
import type { Interval, MeterView } from "../lib/meter_board.ts";
import { linePath, type SparkBox, xOf } from "../lib/sparkline.ts";

/** Props of {@link MeterGrid}. */
export interface MeterGridProps {
  meters: MeterView[];
  /** Points each sparkline spans. */
  keep: number;
}

const WIDTH = 240;
const ROW = 22;
const SIGNALS = [
  { key: "voltage", label: "V" },
  { key: "current", label: "A" },
  { key: "frequency", label: "Hz" },
] as const;

function bands(intervals: Interval[], box: SparkBox, y: number, h: number, cls: string) {
  return intervals.map((iv) => {
    const x = xOf(iv.from, box);
    // A one-reading interval is still visible.
    const w = Math.max(1.5, xOf(iv.to + 1, box) - x);
    return <rect key={`${cls}${iv.from}`} class={cls} x={x} y={y} width={w} height={h} />;
  });
}

function describe(m: MeterView): string {
  const parts = [m.alarm ? "alarm" : "no alarm"];
  if (m.inEvent) parts.push(`simulated ${m.inEvent.replaceAll("_", " ")} in progress`);
  return parts.join("; ");
}

/** One meter's card. */
function MeterCard({ m, keep }: { m: MeterView; keep: number }): JSX.Element {
  // A fixed scale of `keep` readings: a new stream fills the card from the left.
  const first = m.points[0]?.i ?? 0;
  const box: SparkBox = { width: WIDTH, height: ROW, first, last: first + keep - 1 };
  const height = ROW * SIGNALS.length + 8;
  const label = `${m.id}: ${describe(m)}. Last ${m.points.length} readings: ` +
    `${m.events.length} labelled event interval(s), ${m.alarms.length} alarm interval(s).`;
  return (
    <li
      class={m.alarm ? "meter alarm" : "meter"}
      id={`meter-${m.id}`}
      data-alarm={String(m.alarm)}
      data-points={m.points.length}
    >
      <h3>
        {m.id} <span class="meter-status">{m.alarm ? "Alarm" : "OK"}</span>
      </h3>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label}>
        {bands(m.events, box, 0, ROW * SIGNALS.length, "event")}
        {SIGNALS.map((s, k) => (
          <path
            key={s.key}
            class={`line ${s.key}`}
            transform={`translate(0 ${k * ROW})`}
            d={linePath(m.points.map((p) => p[s.key]), box)}
          />
        ))}
        {bands(m.alarms, box, ROW * SIGNALS.length + 2, 6, "alarm")}
      </svg>
      <p class="meter-facts">
        {m.inEvent ? `Simulated ${m.inEvent.replaceAll("_", " ")}. ` : ""}
        {m.flaggedTotal} flagged in {m.alarmTotal} alarm{m.alarmTotal === 1 ? "" : "s"}
      </p>
    </li>
  );
}

/** The small multiples, with a legend. */
export function MeterGrid({ meters, keep }: MeterGridProps): JSX.Element {
  return (
    <section class="panel" aria-labelledby="meters-heading">
      <h2 id="meters-heading">Meters</h2>
      <p class="muted legend">
        Each card: voltage, current and frequency (top to bottom) over the last {keep} readings;
        {" "}
        <span class="key event">shaded</span> = a simulated event (label),{" "}
        <span class="key alarm">bar below</span> = readings the model flagged.
      </p>
      <ul class="meter-grid" id="meter-grid">
        {meters.map((m) => <MeterCard key={m.id} m={m} keep={keep} />)}
      </ul>
    </section>
  );
}

/**
 * Per-meter status for the fleet view: each meter's recent readings with
 * their verdicts and labels, the alarm and event intervals among them (runs
 * of flagged, and of labelled, readings), and counts since the stream began.
 * Plain data in, plain data out; the `MeterGrid` component draws it.
 */
import type { FeedReading } from "./fleet_feed.ts";

/** One scored reading of a meter. */
export interface MeterPoint {
  /** The reading's index in its meter's stream (0-based). */
  i: number;
  voltage: number;
  current: number;
  frequency: number;
  flagged: boolean;
  /** Labelled anomalous by the simulator. */
  truth: boolean;
  kind: string | null;
}

/** A run of consecutive readings, by stream index, both ends included. */
export interface Interval {
  from: number;
  to: number;
  /** For labelled intervals: the kind of the run's first reading. */
  kind?: string;
}

/** What the view shows of one meter. */
export interface MeterView {
  id: string;
  /** Recent points, oldest first. */
  points: MeterPoint[];
  /** Runs of flagged readings among `points`. */
  alarms: Interval[];
  /** Runs of labelled readings among `points`. */
  events: Interval[];
  /** Whether the newest reading is flagged. */
  alarm: boolean;
  /** The kind of the labelled run the newest reading is in, or null. */
  inEvent: string | null;
  /** Flagged readings since the start. */
  flaggedTotal: number;
  /** Alarm intervals since the start (a run of flagged readings counts once). */
  alarmTotal: number;
}

/**
 * Runs of consecutive points where `pick` holds, as intervals of their stream
 * indices; with `kinds`, each interval names its first point's kind.
 */
export function runs(
  points: readonly MeterPoint[],
  pick: (p: MeterPoint) => boolean,
  kinds = false,
): Interval[] {
  const out: Interval[] = [];
  let open: Interval | null = null;
  for (const p of points) {
    if (pick(p)) {
      if (open && open.to === p.i - 1) open.to = p.i;
      else {
        open = { from: p.i, to: p.i, ...(kinds && p.kind ? { kind: p.kind } : {}) };
        out.push(open);
      }
    } else open = null;
  }
  return out;
}

interface Track {
  points: MeterPoint[];
  next: number;
  flaggedTotal: number;
  alarmTotal: number;
  lastFlagged: boolean;
}

/** The meters' recent history. */
export class MeterBoard {
  readonly #keep: number;
  readonly #tracks = new Map<string, Track>();

  /** Track `ids` in this order, keeping the last `keep` points of each. */
  constructor(ids: readonly string[], keep: number) {
    this.#keep = keep;
    for (const id of ids) this.#tracks.set(id, this.#empty());
  }

  #empty(): Track {
    return { points: [], next: 0, flaggedTotal: 0, alarmTotal: 0, lastFlagged: false };
  }

  /** Add one scored reading (readings of a meter in time order); unknown meters are added last. */
  add(r: FeedReading, flagged: boolean): void {
    let t = this.#tracks.get(r.meter_id);
    if (!t) {
      t = this.#empty();
      this.#tracks.set(r.meter_id, t);
    }
    t.points.push({
      i: t.next++,
      voltage: r.voltage,
      current: r.current,
      frequency: r.frequency,
      flagged,
      truth: r.anomaly,
      kind: r.kind,
    });
    if (t.points.length > this.#keep) t.points.shift();
    if (flagged) {
      t.flaggedTotal++;
      if (!t.lastFlagged) t.alarmTotal++;
    }
    t.lastFlagged = flagged;
  }

  /** Forget every point and count; the meters stay. */
  clear(): void {
    for (const id of this.#tracks.keys()) this.#tracks.set(id, this.#empty());
  }

  /** Every meter's view, in the order given. */
  views(): MeterView[] {
    return [...this.#tracks].map(([id, t]) => {
      const last = t.points.at(-1);
      const events = runs(t.points, (p) => p.truth, true);
      const lastEvent = events.at(-1);
      return {
        id,
        points: [...t.points],
        alarms: runs(t.points, (p) => p.flagged),
        events,
        alarm: last?.flagged ?? false,
        inEvent: last?.truth && lastEvent?.to === last.i ? (lastEvent.kind ?? null) : null,
        flaggedTotal: t.flaggedTotal,
        alarmTotal: t.alarmTotal,
      };
    });
  }
}

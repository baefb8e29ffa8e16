/**
 * Detection quality of the fleet stream against the simulator's labels:
 * point-wise precision and recall (a reading is a true positive when it is
 * flagged and labelled anomalous), and event recall (an event counts once it
 * has ended: detected when at least one of its readings was flagged), in
 * total and per event kind. The numbers the page shows are these counts'
 * arithmetic and nothing else.
 */
import type { FeedReading } from "./fleet_feed.ts";
import { addVerdict, type Confusion, emptyConfusion } from "./stats.ts";

/** Events that ended, and how many of them were detected. */
export interface EventTally {
  ended: number;
  detected: number;
}

/** Everything the fleet's quality figures are computed from. */
export interface FleetTally {
  readings: number;
  /** Readings the model flagged. */
  flagged: number;
  /** Readings the simulator labelled anomalous. */
  labelled: number;
  confusion: Confusion;
  /** Temporal events that ended (point anomalies and injected readings are not events). */
  events: EventTally;
  /** {@link FleetTally.events} per event kind. */
  byKind: Record<string, EventTally>;
}

/** A tally of nothing. */
export function emptyTally(): FleetTally {
  return {
    readings: 0,
    flagged: 0,
    labelled: 0,
    confusion: emptyConfusion(),
    events: { ended: 0, detected: 0 },
    byKind: {},
  };
}

/** Share of ended events that were detected, or null before any ended. */
export function eventRecall(t: EventTally): number | null {
  return t.ended === 0 ? null : t.detected / t.ended;
}

/** Counts verdicts against labels as they arrive. */
export class FleetScorer {
  #tally = emptyTally();
  /** Events in progress: whether any of their readings was flagged yet. */
  readonly #open = new Map<number, boolean>();

  /** Count one scored reading. */
  add(reading: FeedReading, flagged: boolean): void {
    const t = this.#tally;
    t.readings++;
    if (flagged) t.flagged++;
    if (reading.anomaly) t.labelled++;
    addVerdict(t.confusion, { flagged, truth: reading.anomaly });
    const e = reading.event;
    if (e === null) return;
    const detected = (this.#open.get(e) ?? false) || flagged;
    if (!reading.eventEnd) {
      this.#open.set(e, detected);
      return;
    }
    this.#open.delete(e);
    const kind = (t.byKind[reading.kind ?? "unknown"] ??= { ended: 0, detected: 0 });
    t.events.ended++;
    kind.ended++;
    if (detected) {
      t.events.detected++;
      kind.detected++;
    }
  }

  /** Events whose end has not been scored yet. */
  get openEvents(): number {
    return this.#open.size;
  }

  /** A copy of the counts. */
  tally(): FleetTally {
    const t = this.#tally;
    return {
      ...t,
      confusion: { ...t.confusion },
      events: { ...t.events },
      byKind: Object.fromEntries(Object.entries(t.byKind).map(([k, v]) => [k, { ...v }])),
    };
  }
}

/**
 * Event-level scoring: labeled readings form events (maximal runs of
 * consecutive anomalous readings of one meter); an event counts as detected
 * when any of its readings is flagged, and its detection delay is the number
 * of readings from its start to the first flag (0 = flagged at once). This is
 * what an operator feels: one alarm per fault, and how soon. Pure TypeScript.
 */
import { quantile } from "./evaluation.ts";
import { previousInStream } from "./streams.ts";

/** One labeled event: its rows in order (indices into the data). */
export interface LabeledEvent {
  rows: number[];
}

/** How many events were caught and how fast. */
export interface EventDetection {
  events: number;
  detected: number;
  /** detected / events; NaN when there are no events. */
  recall: number;
  /** Readings from an event's start to its first flag, per detected event. */
  delays: number[];
  /** Median of `delays`; NaN when nothing was detected. */
  medianDelay: number;
}

/** Events in labeled rows: runs of positives per meter stream (`keys`, or one stream when null). */
export function eventsFromLabels(
  labels: ArrayLike<boolean>,
  keys: ArrayLike<string | undefined> | null,
): LabeledEvent[] {
  const prev = previousInStream(keys, labels.length);
  const open = new Map<number, LabeledEvent>();
  const events: LabeledEvent[] = [];
  for (let r = 0; r < labels.length; r++) {
    if (!labels[r]) continue;
    const p = prev[r];
    const running = p !== -1 && labels[p] ? open.get(p) : undefined;
    if (running) {
      running.rows.push(r);
      open.delete(p);
      open.set(r, running);
    } else {
      const e = { rows: [r] };
      events.push(e);
      open.set(r, e);
    }
  }
  return events;
}

/** Event recall and detection delays of `flags` over `events`. */
export function detectEvents(
  flags: ArrayLike<boolean>,
  events: readonly LabeledEvent[],
): EventDetection {
  const delays: number[] = [];
  for (const e of events) {
    const k = e.rows.findIndex((r) => flags[r]);
    if (k !== -1) delays.push(k);
  }
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    events: events.length,
    detected: delays.length,
    recall: events.length === 0 ? NaN : delays.length / events.length,
    delays,
    medianDelay: sorted.length === 0 ? NaN : quantile(sorted, 0.5),
  };
}

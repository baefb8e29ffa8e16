/** The fleet stream's detection quality against the simulator's labels, with the counts behind it. */
import type { JSX } from "preact";
import { eventRecall, type FleetTally } from "../lib/fleet_tally.ts";
import { formatRatio, precision, recall } from "../lib/stats.ts";
import { Stat } from "./Stat.tsx";

/** Props of {@link FleetStats}. */
export interface FleetStatsProps {
  tally: FleetTally;
}

/** Precision, recall and event recall, the confusion counts they come from, and event recall per kind. */
export function FleetStats({ tally: t }: FleetStatsProps): JSX.Element {
  const c = t.confusion;
  const kinds = Object.entries(t.byKind).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section class="panel" aria-labelledby="fleet-quality-heading">
      <h2 id="fleet-quality-heading">Detection quality</h2>
      <dl class="stats">
        <Stat id="fleet-precision" label="Precision" value={formatRatio(precision(c))} />
        <Stat id="fleet-recall" label="Recall" value={formatRatio(recall(c))} />
        <Stat
          id="fleet-event-recall"
          label="Event recall"
          value={formatRatio(eventRecall(t.events))}
        />
        <Stat id="fleet-readings" label="Readings" value={t.readings} />
        <Stat id="fleet-tp" label="Flagged, labelled (TP)" value={c.tp} />
        <Stat id="fleet-fp" label="Flagged, normal (FP)" value={c.fp} />
        <Stat id="fleet-fn" label="Missed (FN)" value={c.fn} />
        <Stat
          id="fleet-events"
          label="Events detected"
          value={`${t.events.detected} of ${t.events.ended}`}
        />
      </dl>
      {kinds.length > 0
        ? (
          <table class="kinds" id="fleet-kinds">
            <caption>Event recall per kind (ended events)</caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Detected</th>
                <th scope="col">Ended</th>
                <th scope="col">Event recall</th>
              </tr>
            </thead>
            <tbody>
              {kinds.map(([kind, e]) => (
                <tr key={kind}>
                  <th scope="row">{kind.replaceAll("_", " ")}</th>
                  <td>{e.detected}</td>
                  <td>{e.ended}</td>
                  <td>{formatRatio(eventRecall(e))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
        : null}
      <p class="muted">
        Counted against the simulator's labels. Precision = TP / (TP + FP): flagged readings that
        are labelled anomalous. Recall = TP / (TP + FN): labelled readings that were flagged. Event
        recall: ended events with at least one flagged reading.
      </p>
    </section>
  );
}

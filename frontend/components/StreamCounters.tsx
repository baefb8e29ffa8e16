/** The live stream's counters: volume, detection quality against the labels, latency, failures. */
import type { JSX } from "preact";
import type { Counters } from "../lib/live_stream.ts";
import { formatMs, formatRatio, precision, recall } from "../lib/stats.ts";
import { Stat } from "./Stat.tsx";

/** Props of {@link StreamCounters}. */
export interface StreamCountersProps {
  counters: Counters;
  /** Requests the latency figures cover. */
  latencyCount: number;
}

/** Ten figures and what latency, precision and recall mean here. */
export function StreamCounters({ counters: c, latencyCount }: StreamCountersProps): JSX.Element {
  return (
    <section class="panel" aria-labelledby="counters-heading">
      <h2 id="counters-heading">Counters</h2>
      <dl class="stats">
        <Stat id="stat-points" label="Points" value={c.points} />
        <Stat id="stat-requests" label="Requests" value={c.requests} />
        <Stat id="stat-flagged" label="Flagged anomalies" value={c.flagged} />
        <Stat id="stat-labelled" label="True anomalies (labels)" value={c.labelled} />
        <Stat id="stat-precision" label="Precision" value={formatRatio(precision(c.confusion))} />
        <Stat id="stat-recall" label="Recall" value={formatRatio(recall(c.confusion))} />
        <Stat id="stat-latency-avg" label="Latency avg" value={formatMs(c.latency.avg)} />
        <Stat id="stat-latency-p95" label="Latency p95" value={formatMs(c.latency.p95)} />
        <Stat id="stat-latency-p99" label="Latency p99" value={formatMs(c.latency.p99)} />
        <Stat id="stat-errors" label="Failed requests" value={c.errors} />
      </dl>
      <p class="muted">
        Latency: round trip browser → UI server → backend over the last {latencyCount}{" "}
        requests. Precision = flagged readings that are labelled anomalous; recall = labelled
        anomalies that were flagged.
      </p>
    </section>
  );
}

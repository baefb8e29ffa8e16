/**
 * `deno task load --kafka`: load on the streaming path instead of HTTP. Publishes
 * a simulated fleet to the readings topic at a target rate for a bounded time,
 * samples the scorers' consumer-group lag while it runs and until the group has
 * committed everything (or a drain timeout), then reads the anomaly records
 * produced for those readings and reports end-to-end latency (reading produced
 * → anomaly record produced, both record timestamps) and the lag.
 *
 * The fleet's timestamps start now and advance with the rate (each meter's
 * readings are `meters / rate` seconds apart), so a second run against the same
 * scorers is not dead-lettered as out of order.
 */
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { endOffsets, openLagProbe, readTopic } from "./inspect.ts";
import { publishRecords, readingValue } from "./publish.ts";

/** What to load and where. */
export interface StreamLoadOptions {
  bootstrap: string;
  readingsTopic: string;
  anomaliesTopic: string;
  /** The scorers' consumer group, whose lag is sampled. */
  group: string;
  /** Readings per second. */
  rate: number;
  /** Seconds of publishing. */
  duration: number;
  meters: number;
  seed: number;
  /** Seconds to wait after publishing for the group to commit everything. */
  drainTimeout: number;
  /** Milliseconds between lag samples. Default 250. */
  lagEveryMs?: number;
}

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** What a stream load run measured. */
export interface StreamLoadReport {
  published: number;
  publish_seconds: number;
  publish_rate: number;
  /**
   * Each produce request of readings, built → acknowledged (ms): the publisher's and broker's
   * share, already inside the end-to-end figures (a slow publisher shows here, not as the scorer).
   */
  publish_ack_ms: LatencySummary | null;
  /** The group committed every published reading before the drain timeout. */
  drained: boolean;
  /** Seconds from the last reading acknowledged to the group's lag reaching 0 (null: not drained). */
  drain_seconds: number | null;
  /** Largest lag sampled (readings published and not yet committed by the group). */
  max_lag: number;
  /** Lag at the end of the run (0 when drained). */
  final_lag: number;
  lag_samples: number;
  /** Anomaly records for the published readings, each timed. */
  anomalies_timed: number;
  /** Reading produced → anomaly record produced, ms (null: no anomaly record). */
  latency_ms: LatencySummary | null;
}

/** The `q` quantile of ascending `sorted` (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Summarize latencies (any order); null when there are none. */
export function summarize(latencies: readonly number[]): LatencySummary | null {
  if (latencies.length === 0) return null;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

/** Run the load; resolves with the report once drained or the drain timeout passed. */
export async function runStreamLoad(o: StreamLoadOptions): Promise<StreamLoadReport> {
  const perMeter = Math.max(1, Math.ceil((o.rate * o.duration) / o.meters));
  const fleet = simulateFleet({
    seed: o.seed,
    meters: o.meters,
    readingsPerMeter: perMeter,
    start: Date.now(),
    intervalMs: Math.max(1, Math.round((o.meters * 1000) / o.rate)),
  });
  const records = fleet.readings.map((r) => ({ key: r.meter_id, value: readingValue(r) }));
  // Where the anomalies of this run start: records before are an earlier run's.
  const anomaliesFrom = await endOffsets(o.bootstrap, o.anomaliesTopic);
  const produced = new Map<string, number>();
  const probe = openLagProbe(o.bootstrap, o.group, o.readingsTopic);
  let maxLag = 0;
  let lastLag = -1;
  let samples = 0;
  let sampling = true;
  const sample = async () => {
    const lag = Number(await probe.lag());
    samples++;
    lastLag = lag;
    if (lag > maxLag) maxLag = lag;
    return lag;
  };
  const sampler = (async () => {
    while (sampling) {
      await sample().catch(() => {});
      await new Promise((r) => setTimeout(r, o.lagEveryMs ?? 250));
    }
  })();
  let drained = false;
  let drainSeconds: number | null = null;
  let published;
  try {
    published = await publishRecords(records, {
      bootstrap: o.bootstrap,
      topic: o.readingsTopic,
      rate: o.rate,
      durationS: o.duration,
      onSent(from, to, timestamp) {
        for (let i = from; i < to; i++) {
          const r = fleet.readings[i];
          produced.set(`${r.meter_id}@${r.timestamp}`, timestamp);
        }
      },
    });
    const publishedAt = performance.now();
    const deadline = publishedAt + o.drainTimeout * 1000;
    while (performance.now() < deadline) {
      if ((await sample().catch(() => -1)) === 0) {
        drained = true;
        drainSeconds = (performance.now() - publishedAt) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    sampling = false;
    await sampler;
    await probe.close();
  }
  const latencies: number[] = [];
  for (const r of await readTopic(o.bootstrap, o.anomaliesTopic, 60_000, anomaliesFrom)) {
    const row = JSON.parse(r.value) as { meter_id?: string; timestamp?: string };
    const at = produced.get(`${row.meter_id}@${row.timestamp}`);
    if (at !== undefined) latencies.push(r.timestamp - at);
  }
  return {
    published: published.published,
    publish_seconds: Number(published.seconds.toFixed(2)),
    publish_rate: Math.round(published.rate),
    publish_ack_ms: summarize(published.ackMs.map((ms) => Math.round(ms))),
    drained,
    drain_seconds: drainSeconds === null ? null : Number(drainSeconds.toFixed(2)),
    max_lag: maxLag,
    final_lag: Math.max(0, lastLag),
    lag_samples: samples,
    anomalies_timed: latencies.length,
    latency_ms: summarize(latencies),
  };
}

/** The report as the lines `deno task load --kafka` prints. */
export function formatStreamReport(r: StreamLoadReport, o: StreamLoadOptions): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const lines = [
    `stream load: ${n(r.published)} readings of ${o.meters} meters to ${o.readingsTopic} ` +
    `in ${r.publish_seconds} s (${n(r.publish_rate)}/s, target ${n(o.rate)}/s)`,
    r.drained
      ? `group ${o.group}: all committed ${r.drain_seconds} s after the last reading`
      : `group ${o.group}: NOT drained after ${o.drainTimeout} s, lag ${n(r.final_lag)}`,
    ...(r.publish_ack_ms === null ? [] : [
      `publisher: produce request built → acknowledged p50 ${r.publish_ack_ms.p50} ms, ` +
      `p99 ${r.publish_ack_ms.p99} ms, max ${r.publish_ack_ms.max} ms`,
    ]),
    `consumer lag: max ${n(r.max_lag)} readings, ${n(r.final_lag)} at the end ` +
    `(${r.lag_samples} samples)`,
  ];
  if (r.latency_ms === null) {
    lines.push(`latency: no anomaly record in ${o.anomaliesTopic} for these readings`);
  } else {
    const l = r.latency_ms;
    lines.push(
      `end-to-end latency (reading produced → anomaly record produced, ` +
        `${n(r.anomalies_timed)} anomaly records): ` +
        `p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms`,
    );
  }
  return lines.join("\n");
}

/**
 * The stream scorer's Prometheus metrics, in their own registry (the scorer is
 * its own process with its own `/metrics`). Rates come from the counters
 * (`rate(stream_records_consumed_total[1m])`); lag is a gauge per partition,
 * refreshed from the broker's end offsets and the group's committed offsets.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { DEAD_LETTER_REASONS } from "./record.ts";

/** End-to-end latency buckets (reading produced → its outputs acknowledged), seconds. */
export const E2E_LATENCY_BUCKETS = [
  0.002,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
];

/** The scorer's metrics. */
export interface StreamMetrics {
  registry: Registry;
  consumed: Counter<"topic">;
  produced: Counter<"topic">;
  scored: Counter;
  anomalies: Counter;
  lag: Gauge<"partition">;
  e2eLatency: Histogram;
  stages: Histogram<"stage">;
  rebalances: Counter;
  restoreSeconds: Histogram;
  restoredWindows: Counter;
  /** Meter windows held now, and those dropped as stale. */
  windows: Gauge;
  evictedWindows: Counter;
  duplicatesSkipped: Counter;
  deadLetters: Counter<"reason">;
  commitFailures: Counter;
  assignedPartitions: Gauge;
}

/** Create the metrics in a new registry. */
export function createStreamMetrics(): StreamMetrics {
  const registry = new Registry();
  const registers = [registry];
  const deadLetters = new Counter({
    name: "stream_dead_letters_total",
    help: "Records sent to the dead-letter topic, by reason",
    labelNames: ["reason"] as const,
    registers,
  });
  for (const reason of DEAD_LETTER_REASONS) deadLetters.inc({ reason }, 0);
  return {
    registry,
    consumed: new Counter({
      name: "stream_records_consumed_total",
      help: "Records consumed, by topic",
      labelNames: ["topic"] as const,
      registers,
    }),
    produced: new Counter({
      name: "stream_records_produced_total",
      help: "Records produced and acknowledged, by topic",
      labelNames: ["topic"] as const,
      registers,
    }),
    scored: new Counter({
      name: "stream_readings_scored_total",
      help: "Readings scored by the detector",
      registers,
    }),
    anomalies: new Counter({
      name: "stream_anomalies_total",
      help: "Readings flagged and sent to the anomalies topic",
      registers,
    }),
    lag: new Gauge({
      name: "stream_consumer_lag",
      help: "Records in the readings partition after the group's committed offset",
      labelNames: ["partition"] as const,
      registers,
    }),
    e2eLatency: new Histogram({
      name: "stream_e2e_latency_seconds",
      help: "From a reading's produce time to its outputs being acknowledged",
      buckets: E2E_LATENCY_BUCKETS,
      registers,
    }),
    stages: new Histogram({
      name: "stream_stage_seconds",
      help: "Where a reading's end-to-end time goes: fetch (produced to queued in the scorer), " +
        "queue (queued to scored), score (per batch), outputs_ack and changelog_ack (sent to " +
        "acknowledged, per batch)",
      labelNames: ["stage"] as const,
      buckets: E2E_LATENCY_BUCKETS,
      registers,
    }),
    rebalances: new Counter({
      name: "stream_rebalances_total",
      help: "Group assignments this scorer received (the first one included)",
      registers,
    }),
    restoreSeconds: new Histogram({
      name: "stream_restore_seconds",
      help: "Time to restore the windows of newly assigned partitions from the changelog",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    windows: new Gauge({
      name: "stream_meter_windows",
      help:
        "Meter windows held in memory (the meters of the owned partitions that reported lately)",
      registers,
    }),
    evictedWindows: new Counter({
      name: "stream_windows_evicted_total",
      help: "Meter windows dropped as stale (STREAM_WINDOW_TTL_S), each with a changelog tombstone",
      registers,
    }),
    restoredWindows: new Counter({
      name: "stream_restored_windows_total",
      help: "Meter windows restored from the changelog",
      registers,
    }),
    duplicatesSkipped: new Counter({
      name: "stream_duplicates_skipped_total",
      help: "Readings consumed again after a crash or rebalance and skipped (already scored)",
      registers,
    }),
    deadLetters,
    commitFailures: new Counter({
      name: "stream_commit_failures_total",
      help: "Offset commits that failed (a rebalance); the records are scored again by the owner",
      registers,
    }),
    assignedPartitions: new Gauge({
      name: "stream_assigned_partitions",
      help: "Readings partitions this scorer owns",
      registers,
    }),
  };
}

/**
 * Metrics of the model lifecycle: shadow scoring, input drift and label
 * feedback. Created by `createMetrics()` in the backend's one registry, so
 * `/metrics` (and its aggregation over workers) covers them. Label values
 * are bounded: `agree` has two, `feature` the model's features, and
 * `model_version` only versions this process served (champion or challenger),
 * which the registry's retention bounds.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The drift window the gauges read at scrape time. */
export interface DriftSource {
  /** Per-feature PSI, or null while the window is too small. */
  psi(): Record<string, number> | null;
  /** Readings in the window. */
  size(): number;
}

/** The lifecycle's metrics. */
export interface LifecycleMetrics {
  shadowPredictions: Counter<"agree">;
  shadowAnomalies: Counter<string>;
  shadowLatency: Histogram<string>;
  shadowDropped: Counter<string>;
  challengerInfo: Gauge<"version">;
  featureDrift: Gauge<"feature">;
  driftWindowReadings: Gauge<string>;
  feedback: Counter<"model_version" | "outcome">;
  /** Where `feature_drift_psi` reads its values at scrape time. */
  setDriftSource(source: DriftSource | null): void;
}

/**
 * Create the lifecycle metrics in `registry`. The challenger scores the same batches the champion
 * does, so `shadow_latency_seconds` takes the champion's inference buckets (`latencyBuckets`) and
 * the two histograms compare bucket by bucket.
 */
export function createLifecycleMetrics(
  registry: Registry,
  latencyBuckets: readonly number[],
): LifecycleMetrics {
  const registers = [registry];
  let drift: DriftSource | null = null;
  return {
    shadowPredictions: new Counter({
      name: "shadow_predictions_total",
      help: "Readings the challenger scored in the shadow of the champion, by whether both agree " +
        "on anomaly",
      labelNames: ["agree"] as const,
      registers,
    }),
    shadowAnomalies: new Counter({
      name: "shadow_anomalies_total",
      help: "Readings the challenger flagged in shadow scoring",
      registers,
    }),
    shadowLatency: new Histogram({
      name: "shadow_latency_seconds",
      help: "Time the challenger took to score one shadowed request, in seconds",
      buckets: [...latencyBuckets],
      registers,
    }),
    shadowDropped: new Counter({
      name: "shadow_dropped_total",
      help: "Readings not shadowed because the shadow queue was full (SHADOW_QUEUE)",
      registers,
    }),
    challengerInfo: new Gauge({
      name: "challenger_info",
      help: "The challenger scored in the shadow (content hash), always 1; absent without one",
      labelNames: ["version"] as const,
      registers,
      aggregator: "max",
    }),
    featureDrift: new Gauge({
      name: "feature_drift_psi",
      help: "Population stability index of each feature over the latest DRIFT_WINDOW readings " +
        "against the champion's training data (over 0.25: significant drift)",
      labelNames: ["feature"] as const,
      registers,
      // Each worker sees a random share of the traffic: their mean estimates the pod's PSI.
      aggregator: "average",
      collect() {
        this.reset();
        const values = drift?.psi();
        if (values) { for (const [feature, v] of Object.entries(values)) this.set({ feature }, v); }
      },
    }),
    driftWindowReadings: new Gauge({
      name: "drift_window_readings",
      help: "Readings in the drift window (summed over workers)",
      registers,
      collect() {
        this.set(drift?.size() ?? 0);
      },
    }),
    feedback: new Counter({
      name: "feedback_total",
      help: "Labeled readings posted to /feedback, by model version and outcome (tp, fp, fn, tn) " +
        "of that model's prediction",
      labelNames: ["model_version", "outcome"] as const,
      registers,
    }),
    setDriftSource(source) {
      drift = source;
    },
  };
}

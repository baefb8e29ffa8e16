/**
 * Metrics of the model lifecycle: shadow scoring, input drift and label
 * feedback. Created by `createMetrics()` in the backend's one registry, so
 * `/metrics` (and its aggregation over workers) covers them. Label values
 * are bounded: `agree` has two, `feature` the model's features,
 * `champion`/`challenger` only the current pair (the shadow series are reset
 * when either model changes: an experiment's figures are its own), and
 * `model_version` only versions this process served or was given labels for,
 * which the registry's retention bounds; the `model_*` series by `role` only
 * the current champion and canary (reset when either changes).
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** What the gauges read of a drift check's result (`DriftSummary` in lib/contract.ts). */
export interface DriftFigures {
  /** Rows of the training sample compared (0: none from the window's hours), null: no sample. */
  reference_rows: number | null;
  /** Whether the window is compared with the training rows of its hours or with all of them. */
  reference_match: "all_rows" | "time_of_day";
  features: Record<
    string,
    { ks_statistic: number | null; ks_p_value: number | null; psi: number | null; verdict: string }
  >;
  multivariate: { test: string; statistic: number | null; p_value: number | null; verdict: string };
}

/** The drift check the gauges read at scrape time. */
export interface DriftSource {
  /** The drift tests (cached by the check), or null without a champion. */
  evaluate(): DriftFigures | null;
  /** Readings in the window. */
  size(): number;
}

/** The labels of the shadow series: the experiment's pair. */
export type PairLabel = "champion" | "challenger";

/** The labels of the per-version series: `role` (champion or canary) and `model_version`. */
export type RoleLabel = "role" | "model_version";

/**
 * Buckets of `model_latency_seconds`: the inference buckets and a few slower ones, so a canary
 * many times slower than the champion still lands in a finite bucket of the p99 the guard reads.
 */
export const MODEL_LATENCY_EXTRA_BUCKETS = [0.25, 0.5, 1, 2.5] as const;

/** The lifecycle's metrics. */
export interface LifecycleMetrics {
  /** /predict requests each version answered (`outcome` ok or error: the model failed, 5xx). */
  modelRequests: Counter<RoleLabel | "outcome">;
  /** Time each version took to validate and score a request. */
  modelLatency: Histogram<RoleLabel>;
  modelReadings: Counter<RoleLabel>;
  modelAnomalies: Counter<RoleLabel>;
  /** The canary's share of requests in percent as this replica routes it (0: none). */
  canaryPercent: Gauge<string>;
  /** 1 when the canary alias is unset or its version is routed to here, else 0. */
  canaryServingMatchesAlias: Gauge<string>;
  /** Canaries this replica's guard rolled back. */
  canaryRollbacks: Counter<string>;
  shadowPredictions: Counter<PairLabel | "agree">;
  shadowAnomalies: Counter<PairLabel>;
  shadowLatency: Histogram<PairLabel>;
  shadowDropped: Counter<string>;
  challengerInfo: Gauge<"version">;
  featureDrift: Gauge<"feature">;
  featureDriftStatistic: Gauge<"feature" | "test">;
  featureDriftPValue: Gauge<"feature" | "test">;
  featureDriftDetected: Gauge<"feature">;
  inputDriftStatistic: Gauge<"test">;
  inputDriftPValue: Gauge<"test">;
  inputDriftDetected: Gauge<"test">;
  driftReferenceRows: Gauge<string>;
  driftReferenceMissing: Gauge<string>;
  driftReferenceTimeOfDay: Gauge<string>;
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
  // Several gauges read one evaluation; the check caches it, so a scrape runs the tests once.
  const tested = () => {
    const result = drift?.evaluate() ?? null;
    return result && result.reference_rows !== null ? result : null;
  };
  const metrics: LifecycleMetrics = {
    modelRequests: new Counter({
      name: "model_requests_total",
      help: "/predict requests answered per model version and role (champion or canary), by " +
        "outcome (error: the model failed and the client got a 5xx); current pair only",
      labelNames: ["role", "model_version", "outcome"] as const,
      registers,
    }),
    modelLatency: new Histogram({
      name: "model_latency_seconds",
      help: "Time one model version took to validate and score a /predict request, in seconds, " +
        "by role; current pair only",
      labelNames: ["role", "model_version"] as const,
      buckets: [...latencyBuckets, ...MODEL_LATENCY_EXTRA_BUCKETS],
      registers,
    }),
    modelReadings: new Counter({
      name: "model_readings_total",
      help: "Readings each model version scored on /predict, by role; current pair only",
      labelNames: ["role", "model_version"] as const,
      registers,
    }),
    modelAnomalies: new Counter({
      name: "model_anomalies_total",
      help: "Readings each model version flagged on /predict, by role; current pair only",
      labelNames: ["role", "model_version"] as const,
      registers,
    }),
    canaryPercent: new Gauge({
      name: "canary_percent",
      help: "Share of /predict requests routed to the canary version, in percent (0: none)",
      registers,
      aggregator: "max",
    }),
    canaryServingMatchesAlias: new Gauge({
      name: "canary_serving_matches_alias",
      help: "1 when the canary alias is unset or its version answers its share here, else 0 " +
        "(the version cannot be loaded: the champion answers that share)",
      registers,
      aggregator: "min",
    }),
    canaryRollbacks: new Counter({
      name: "canary_rollbacks_total",
      help: "Canaries this replica's guard removed because their error rate, p99 latency or " +
        "anomaly rate left the band around the champion's (CANARY_MAX_*)",
      registers,
      // Every worker receives the primary's count: count it once.
      aggregator: "max",
    }),
    shadowPredictions: new Counter({
      name: "shadow_predictions_total",
      help:
        "Readings the challenger scored in the shadow of the champion, by the pair's versions " +
        "and whether both agree on anomaly (current experiment only)",
      labelNames: ["champion", "challenger", "agree"] as const,
      registers,
    }),
    shadowAnomalies: new Counter({
      name: "shadow_anomalies_total",
      help: "Readings the challenger flagged in shadow scoring (current experiment only)",
      labelNames: ["champion", "challenger"] as const,
      registers,
    }),
    shadowLatency: new Histogram({
      name: "shadow_latency_seconds",
      help: "Time the challenger took to score one shadowed request, in seconds (current " +
        "experiment only)",
      labelNames: ["champion", "challenger"] as const,
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
        const features = drift?.evaluate()?.features ?? {};
        for (const [feature, f] of Object.entries(features)) {
          if (f.psi !== null) this.set({ feature }, f.psi);
        }
      },
    }),
    featureDriftStatistic: new Gauge({
      name: "feature_drift_statistic",
      help: "Two-sample Kolmogorov-Smirnov statistic of each feature: the window against the " +
        "champion's training sample (absent below DRIFT_MIN_READINGS; several workers: the largest)",
      labelNames: ["feature", "test"] as const,
      registers,
      aggregator: "max",
      collect() {
        this.reset();
        for (const [feature, f] of Object.entries(tested()?.features ?? {})) {
          if (f.ks_statistic !== null) this.set({ feature, test: "ks" }, f.ks_statistic);
        }
      },
    }),
    featureDriftPValue: new Gauge({
      name: "feature_drift_p_value",
      help: "P-value of each feature's drift test against the champion's training sample " +
        "(absent below DRIFT_MIN_READINGS; several workers: the smallest)",
      labelNames: ["feature", "test"] as const,
      registers,
      aggregator: "min",
      collect() {
        this.reset();
        for (const [feature, f] of Object.entries(tested()?.features ?? {})) {
          if (f.ks_p_value !== null) this.set({ feature, test: "ks" }, f.ks_p_value);
        }
      },
    }),
    featureDriftDetected: new Gauge({
      name: "feature_drift_detected",
      help: "1 when a feature's verdict is drift (KS p-value below DRIFT_ALPHA over the tests, " +
        "Bonferroni, and statistic at least DRIFT_MIN_KS), 0 when not; absent without a verdict",
      labelNames: ["feature"] as const,
      registers,
      aggregator: "max",
      collect() {
        this.reset();
        for (const [feature, f] of Object.entries(tested()?.features ?? {})) {
          if (f.verdict === "drift" || f.verdict === "no_drift") {
            this.set({ feature }, f.verdict === "drift" ? 1 : 0);
          }
        }
      },
    }),
    inputDriftStatistic: new Gauge({
      name: "input_drift_statistic",
      help: "MMD squared of whole standardized rows: the window against the champion's training " +
        "sample (absent below DRIFT_MIN_READINGS; several workers: the largest)",
      labelNames: ["test"] as const,
      registers,
      aggregator: "max",
      collect() {
        this.reset();
        const m = tested()?.multivariate;
        if (m && m.statistic !== null) this.set({ test: m.test }, m.statistic);
      },
    }),
    inputDriftPValue: new Gauge({
      name: "input_drift_p_value",
      help: "Permutation p-value of the MMD test on whole rows (several workers: the smallest)",
      labelNames: ["test"] as const,
      registers,
      aggregator: "min",
      collect() {
        this.reset();
        const m = tested()?.multivariate;
        if (m && m.p_value !== null) this.set({ test: m.test }, m.p_value);
      },
    }),
    inputDriftDetected: new Gauge({
      name: "input_drift_detected",
      help: "1 when the multivariate verdict is drift, 0 when not; absent without a verdict",
      labelNames: ["test"] as const,
      registers,
      aggregator: "max",
      collect() {
        this.reset();
        const m = tested()?.multivariate;
        if (m && (m.verdict === "drift" || m.verdict === "no_drift")) {
          this.set({ test: m.test }, m.verdict === "drift" ? 1 : 0);
        }
      },
    }),
    driftReferenceRows: new Gauge({
      name: "drift_reference_rows",
      help: "Rows of the champion's training sample the drift tests compare with (0: none)",
      registers,
      aggregator: "max",
      collect() {
        this.set(drift?.evaluate()?.reference_rows ?? 0);
      },
    }),
    driftReferenceMissing: new Gauge({
      name: "drift_reference_missing",
      help: "1 when there is nothing to compare the window with: the champion's artifact carries " +
        "no training sample (PSI only), or none of its rows is from the window's hours; else 0",
      registers,
      aggregator: "max",
      collect() {
        const result = drift?.evaluate();
        this.set(result && (result.reference_rows === null || result.reference_rows === 0) ? 1 : 0);
      },
    }),
    driftReferenceTimeOfDay: new Gauge({
      name: "drift_reference_time_of_day",
      help: "1 when the window is compared with the training rows of its readings' hours " +
        "(both carry times), 0 when with the whole training sample",
      registers,
      aggregator: "max",
      collect() {
        this.set(drift?.evaluate()?.reference_match === "time_of_day" ? 1 : 0);
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
  // Present from the start, so increase() sees the first rollback.
  metrics.canaryRollbacks.inc(0);
  metrics.canaryPercent.set(0);
  metrics.canaryServingMatchesAlias.set(1);
  return metrics;
}

/**
 * Every Prometheus metric the backend exports, defined in one place.
 *
 * The first four names are the workshop's and must not change:
 * `requests_total`, `request_latency_seconds`, `inference_latency_seconds`,
 * `anomalies_total`. prom-client's default collectors stay off: under Deno the
 * event-loop-lag collector throws and takes `/metrics` down with it
 * (prometheus/client_js#651); `process_metrics.ts` has the standard process
 * metrics instead.
 */
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from "prom-client";
import { createLifecycleMetrics, type LifecycleMetrics } from "./mlops_metrics.ts";
import { registerProcessMetrics } from "./process_metrics.ts";

/** Latency buckets in seconds: fine below 10 ms where this service lives, and the 0.3 s SLO and 1.2 s (4 × SLO) bounds for Apdex. */
export const REQUEST_LATENCY_BUCKETS = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.3,
  0.6,
  1.2,
  2.5,
  5,
  10,
];

/** Inference buckets in seconds: a batch of 64 readings scores in well under a millisecond. */
export const INFERENCE_LATENCY_BUCKETS = [
  0.00005,
  0.0001,
  0.00025,
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
];

/** Readings-per-request buckets. */
export const BATCH_SIZE_BUCKETS = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 5000];

/** The backend's metrics and the registry that holds them. */
export interface Metrics {
  registry: Registry;
  requestsTotal: Counter<"path" | "method" | "status">;
  requestLatency: Histogram<"path" | "method">;
  inferenceLatency: Histogram<string>;
  anomaliesTotal: Counter<string>;
  readingsTotal: Counter<string>;
  batchSize: Histogram<string>;
  ignoredFields: Counter<"where">;
  modelReady: Gauge<string>;
  modelInfo: Gauge<"version">;
  inflight: Gauge<string>;
  bodyBytesInFlight: Gauge<string>;
  buildInfo: Gauge<"version" | "runtime">;
  heapUsed: Gauge<string>;
  /** Shadow scoring, drift and feedback (`metrics/mlops_metrics.ts`). */
  lifecycle: LifecycleMetrics;
}

/** The methods counted by name; any other method is labelled `other`. */
export const METHOD_LABELS: ReadonlySet<string> = new Set([
  "GET",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "HEAD",
  "OPTIONS",
]);

/** The `method` label for `method`: itself when standard, else `other` (HTTP allows any token). */
export function methodLabel(method: string): string {
  return METHOD_LABELS.has(method) ? method : "other";
}

/** The `path` label for `path`: itself when it is one of the app's route patterns, else `other`. */
export function routeLabel(path: string, routes: ReadonlySet<string>): string {
  return routes.has(path) ? path : "other";
}

/** The service version reported by `build_info`. */
export const SERVICE_VERSION = "0.1.0";

/** Options for {@link createMetrics}. */
export interface CreateMetricsOptions {
  /** When the process started (seconds since the epoch); workers pass the primary's. */
  processStartTimeSeconds?: number;
}

/** Create a fresh registry with every metric (one per worker; tests make their own). */
export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  registerProcessMetrics(registry, {
    ...(options.processStartTimeSeconds !== undefined
      ? { startTimeSeconds: options.processStartTimeSeconds }
      : {}),
  });
  const registers = [registry];
  const metrics: Metrics = {
    registry,
    requestsTotal: new Counter({
      name: "requests_total",
      help: "HTTP requests by route pattern, method and status code",
      labelNames: ["path", "method", "status"] as const,
      registers,
    }),
    requestLatency: new Histogram({
      name: "request_latency_seconds",
      help: "HTTP request latency in seconds, from first byte in to response ready",
      labelNames: ["path", "method"] as const,
      buckets: REQUEST_LATENCY_BUCKETS,
      registers,
    }),
    inferenceLatency: new Histogram({
      name: "inference_latency_seconds",
      help: "Time to score one /predict batch with the model, in seconds",
      buckets: INFERENCE_LATENCY_BUCKETS,
      registers,
    }),
    anomaliesTotal: new Counter({
      name: "anomalies_total",
      help: "Readings the model flagged as anomalous",
      registers,
    }),
    readingsTotal: new Counter({
      name: "readings_total",
      help: "Readings scored by /predict",
      registers,
    }),
    batchSize: new Histogram({
      name: "predict_batch_size",
      help: "Readings per /predict request",
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    }),
    ignoredFields: new Counter({
      name: "ignored_fields_total",
      // The label is where, never the key itself: keys are client input and would grow series.
      help: "Unknown keys ignored in /predict bodies, at the top level (body) or in readings",
      labelNames: ["where"] as const,
      registers,
    }),
    modelReady: new Gauge({
      name: "model_ready",
      help: "1 when the model is loaded and the service is not draining, else 0",
      registers,
      // Across workers the pod is ready only if every worker is.
      aggregator: "min",
    }),
    modelInfo: new Gauge({
      name: "model_info",
      help: "The loaded model's version (content hash), always 1",
      labelNames: ["version"] as const,
      registers,
      aggregator: "max",
    }),
    inflight: new Gauge({
      name: "inflight_requests",
      help: "Requests being processed now",
      registers,
    }),
    bodyBytesInFlight: new Gauge({
      name: "body_bytes_in_flight",
      help:
        "Request body bytes reserved by /predict requests in progress (MAX_BODY_BYTES_IN_FLIGHT)",
      registers,
    }),
    buildInfo: new Gauge({
      name: "build_info",
      help: "Service version and runtime, always 1",
      labelNames: ["version", "runtime"] as const,
      registers,
      aggregator: "max",
    }),
    heapUsed: new Gauge({
      name: "heap_used_bytes",
      help: "V8 heap in use by this worker (summed over workers) in bytes",
      registers,
      collect() {
        this.set(Deno.memoryUsage().heapUsed);
      },
    }),
    lifecycle: createLifecycleMetrics(registry, INFERENCE_LATENCY_BUCKETS),
  };
  metrics.modelReady.set(0);
  // Both series from the start, so rate() sees the first ignored key.
  for (const where of ["body", "reading"]) metrics.ignoredFields.inc({ where }, 0);
  metrics.buildInfo.set({ version: SERVICE_VERSION, runtime: `deno ${Deno.version.deno}` }, 1);
  return metrics;
}

/** A snapshot of one registry, as sent between workers. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** Take a snapshot of `registry` for aggregation. */
export function snapshotMetrics(registry: Registry): Promise<MetricsSnapshot> {
  return registry.getMetricsAsJSON();
}

/**
 * Merge snapshots from every worker into one exposition: counters and
 * histograms are summed, gauges use their declared aggregator. This is what
 * makes `/metrics` give the same totals whichever worker answers the scrape.
 */
export function aggregateMetrics(snapshots: MetricsSnapshot[]): Promise<string> {
  return AggregatorRegistry.aggregate(snapshots).metrics();
}

/** The `Content-Type` of the Prometheus text exposition. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The `/predict` use case without HTTP framework types: check readiness,
 * validate the parsed body, score, count. Both HTTP layers (Hono in
 * `routes/predict.ts`, plain `Deno.serve` in `variants/`) call these, so the
 * contract cannot drift between them.
 */
import type { Detector, Prediction, Reading } from "../detector/mod.ts";
import type { PredictResponse } from "../../lib/contract.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { validatePredictBody, ValidationError } from "./predict_schema.ts";
import { HttpError } from "../../lib/problem.ts";
import type { ServiceState } from "./state.ts";
import { CounterSeries, HistogramSeries } from "../metrics/metric_series.ts";

/** The `/predict` response body (the contract's). */
export type { PredictResponse };

/**
 * The detector if `/predict` can be served; otherwise a 503 with Retry-After.
 * While draining the model is still loaded and requests are still served.
 */
export function requireDetector(state: ServiceState): Detector {
  if (state.detector === null) {
    throw new HttpError("not-ready", state.reason ?? "Model is not ready", {
      headers: { "retry-after": "5" },
      extra: { state: state.status },
    });
  }
  return state.detector;
}

/** Options for {@link scoreRequest}. */
export interface ScoreOptions {
  metrics: Metrics;
  maxBatch: number;
  servedBy: string;
  /** Told about every scored request after scoring (drift window, shadow scoring). */
  onScored?: (readings: readonly Reading[], predictions: readonly Prediction[]) => void;
}

/** The per-request metrics of `/predict`, bound once per registry (see `metric_series.ts`). */
interface PredictSeries {
  inferenceLatency: HistogramSeries;
  batchSize: HistogramSeries;
  readings: CounterSeries;
  anomalies: CounterSeries;
  ignoredBody: CounterSeries;
  ignoredReading: CounterSeries;
}

const seriesOf = new WeakMap<Metrics, PredictSeries>();

function predictSeries(metrics: Metrics): PredictSeries {
  let series = seriesOf.get(metrics);
  if (series === undefined) {
    series = {
      inferenceLatency: new HistogramSeries(metrics.inferenceLatency),
      batchSize: new HistogramSeries(metrics.batchSize),
      readings: new CounterSeries(metrics.readingsTotal),
      anomalies: new CounterSeries(metrics.anomaliesTotal),
      ignoredBody: new CounterSeries(metrics.ignoredFields, { where: "body" }),
      ignoredReading: new CounterSeries(metrics.ignoredFields, { where: "reading" }),
    };
    seriesOf.set(metrics, series);
  }
  return series;
}

/** Validate a parsed `/predict` body (422 naming each bad field) and score it. */
export function scoreRequest(
  detector: Detector,
  body: unknown,
  options: ScoreOptions,
): PredictResponse {
  const series = predictSeries(options.metrics);
  let readings;
  let context;
  try {
    // The served model's features define what a reading must carry.
    const valid = validatePredictBody(body, {
      maxBatch: options.maxBatch,
      features: detector.info.features,
    });
    readings = valid.readings;
    context = valid.context;
    if (valid.ignored.body > 0) series.ignoredBody.inc(valid.ignored.body);
    if (valid.ignored.reading > 0) series.ignoredReading.inc(valid.ignored.reading);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new HttpError("validation", err.message, {
      errors: err.errors,
      ...(err.limit !== undefined ? { extra: { limit: err.limit } } : {}),
    });
  }
  const start = performance.now();
  const predictions = context.length > 0
    ? detector.predict(readings, { context })
    : detector.predict(readings);
  series.inferenceLatency.observe((performance.now() - start) / 1000);
  let anomalies = 0;
  for (let i = 0; i < predictions.length; i++) if (predictions[i].anomaly) anomalies++;
  series.readings.inc(readings.length);
  series.batchSize.observe(readings.length);
  if (anomalies > 0) series.anomalies.inc(anomalies);
  options.onScored?.(readings, predictions);
  return {
    predictions,
    anomalies,
    total: predictions.length,
    served_by: options.servedBy,
    model_version: detector.info.version,
  };
}

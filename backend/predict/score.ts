/**
 * The `/predict` use case without HTTP framework types: check readiness,
 * validate the parsed body, score, count. Both HTTP layers (Hono in
 * `routes/predict.ts`, plain `Deno.serve` in `variants/`) call these, so the
 * contract cannot drift between them. Failures are domain errors
 * (`ValidationError`, {@link NotReadyError}); `http/domain_errors.ts` maps them
 * to problem+json at the HTTP edge.
 */
import type { Detector, Prediction, Reading } from "../detector/mod.ts";
import type { PredictResponse, ServedPrediction } from "../../lib/contract.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { validatePredictBody } from "./predict_schema.ts";
import type { ServiceState, Status } from "./state.ts";
import { CounterSeries, HistogramSeries } from "../metrics/metric_series.ts";
import { PredictionIdWriter } from "./prediction_id.ts";

/** The `/predict` response body (the contract's). */
export type { PredictResponse };

/** No model is loaded (yet, or loading failed); the HTTP edge answers 503 with Retry-After. */
export class NotReadyError extends Error {
  /** Where the service is, for the client (`loading` or `failed`). */
  readonly state: Status;
  constructor(reason: string, state: Status) {
    super(reason);
    this.name = "NotReadyError";
    this.state = state;
  }
}

/**
 * The detector if `/predict` can be served; otherwise throws {@link NotReadyError}.
 * While draining the model is still loaded and requests are still served.
 */
export function requireDetector(state: ServiceState): Detector {
  if (state.detector === null) {
    throw new NotReadyError(state.reason ?? "Model is not ready", state.status);
  }
  return state.detector;
}

/** Options for {@link scoreRequest}. */
export interface ScoreOptions {
  metrics: Metrics;
  maxBatch: number;
  servedBy: string;
  /**
   * Told about every scored request after scoring (drift window, shadow scoring), with the
   * request's `context` (earlier readings of its meters), so a temporal challenger in the shadow
   * sees what the champion saw.
   */
  onScored?: (
    readings: readonly Reading[],
    predictions: readonly Prediction[],
    context: readonly Reading[],
  ) => void;
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

/** The predictions with their `prediction_id`s (added in place: no copy on the hot path). */
export function withIds(
  detector: Detector,
  readings: readonly Reading[],
  predictions: Prediction[],
): ServedPrediction[] {
  const features = detector.info.features;
  const nf = features.length;
  const verdicts = new Array<boolean>(predictions.length);
  for (let i = 0; i < predictions.length; i++) verdicts[i] = predictions[i].anomaly;
  const ids = new PredictionIdWriter(detector.info.version, nf).ids(verdicts, (i, out) => {
    const reading = readings[i] as unknown as Record<string, number>;
    for (let f = 0; f < nf; f++) out[f] = reading[features[f]];
  });
  for (let i = 0; i < predictions.length; i++) {
    (predictions[i] as ServedPrediction).prediction_id = ids[i];
  }
  return predictions as ServedPrediction[];
}

/** Validate a parsed `/predict` body (a `ValidationError` names each bad field) and score it. */
export function scoreRequest(
  detector: Detector,
  body: unknown,
  options: ScoreOptions,
): PredictResponse {
  const series = predictSeries(options.metrics);
  // The served model's features define what a reading must carry.
  const { readings, context, ignored } = validatePredictBody(body, {
    maxBatch: options.maxBatch,
    features: detector.info.features,
  });
  if (ignored.body > 0) series.ignoredBody.inc(ignored.body);
  if (ignored.reading > 0) series.ignoredReading.inc(ignored.reading);
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
  options.onScored?.(readings, predictions, context);
  return {
    predictions: withIds(detector, readings, predictions),
    anomalies,
    total: predictions.length,
    served_by: options.servedBy,
    model_version: detector.info.version,
  };
}

/**
 * The `/predict` use case without HTTP framework types: check readiness,
 * validate the parsed body, score, count. Both HTTP layers (Hono in
 * `routes/predict.ts`, plain `Deno.serve` in `variants/`) call these, so the
 * contract cannot drift between them.
 */
import type { Detector, Prediction, Reading } from "./detector/types.ts";
import type { Metrics } from "./metrics.ts";
import { validatePredictBody, ValidationError } from "./predict_schema.ts";
import { HttpError } from "./problem.ts";
import type { ServiceState } from "./state.ts";

/** The `/predict` response body. */
export interface PredictResponse {
  predictions: Prediction[];
  anomalies: number;
  total: number;
  served_by: string;
  model_version: string;
}

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

/** Validate a parsed `/predict` body (422 naming each bad field) and score it. */
export function scoreRequest(
  detector: Detector,
  body: unknown,
  options: ScoreOptions,
): PredictResponse {
  const { metrics } = options;
  let readings;
  try {
    const valid = validatePredictBody(body, { maxBatch: options.maxBatch });
    readings = valid.readings;
    if (valid.ignored.body > 0) metrics.ignoredFields.inc({ where: "body" }, valid.ignored.body);
    if (valid.ignored.reading > 0) {
      metrics.ignoredFields.inc({ where: "reading" }, valid.ignored.reading);
    }
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new HttpError("validation", err.message, {
      errors: err.errors,
      ...(err.limit !== undefined ? { extra: { limit: err.limit } } : {}),
    });
  }
  const start = performance.now();
  const predictions = detector.predict(readings);
  metrics.inferenceLatency.observe((performance.now() - start) / 1000);
  let anomalies = 0;
  for (const p of predictions) if (p.anomaly) anomalies++;
  metrics.readingsTotal.inc(readings.length);
  metrics.batchSize.observe(readings.length);
  if (anomalies > 0) metrics.anomaliesTotal.inc(anomalies);
  options.onScored?.(readings, predictions);
  return {
    predictions,
    anomalies,
    total: predictions.length,
    served_by: options.servedBy,
    model_version: detector.info.version,
  };
}

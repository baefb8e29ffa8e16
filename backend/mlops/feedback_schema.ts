/**
 * Validation of a `POST /feedback` body, in one of two forms:
 *
 * - `{"labels": [{"prediction_id": "...", "anomaly": true}]}`: labels of
 *   served verdicts, by the id `/predict` gave each (stored, idempotent);
 * - `{"readings": [...]}`: the `/predict` body whose readings each carry a
 *   boolean `anomaly` label (older clients; counted, not stored). Reading
 *   fields are checked by the same rules as `/predict` (one description,
 *   `predict_schema.ts`); errors of both kinds are reported together, in
 *   reading order.
 */
import type { Reading } from "../detector/mod.ts";
import { validatePredictBody, ValidationError } from "../predict/predict_schema.ts";
import { type DecodedPredictionId, decodePredictionId } from "../predict/prediction_id.ts";
import type { FieldError } from "../../lib/problem.ts";

/** One validated label of a served verdict. */
export interface IdLabel {
  predictionId: string;
  anomaly: boolean;
  /** What the id says was served. */
  served: DecodedPredictionId;
}

/** Most field errors reported for one body. */
const MAX_ERRORS = 20;

/**
 * Check a `{"labels": [...]}` body: at most `maxLabels` labels, each a
 * `prediction_id` this service issued and a boolean `anomaly`; one id with
 * two different labels is refused. Throws ValidationError naming each bad
 * field (with `limit` when there are too many labels).
 */
export function validateLabels(body: unknown, options: { maxLabels: number }): IdLabel[] {
  if (!isPlainObject(body) || !Array.isArray(body.labels)) {
    throw new ValidationError([{
      path: "labels",
      message: 'labels must be an array of {"prediction_id", "anomaly"}',
    }]);
  }
  const items = body.labels as unknown[];
  if (items.length === 0) {
    throw new ValidationError([{ path: "labels", message: "labels must hold at least 1 label" }]);
  }
  if (items.length > options.maxLabels) {
    throw new ValidationError([{
      path: "labels",
      message: `labels holds ${items.length} labels; the limit is ${options.maxLabels} per ` +
        "request (FEEDBACK_MAX_LABELS)",
    }], options.maxLabels);
  }
  const errors: FieldError[] = [];
  const out: IdLabel[] = [];
  const seen = new Map<string, boolean>();
  for (let i = 0; i < items.length && errors.length < MAX_ERRORS; i++) {
    const item = items[i];
    const at = `labels[${i}]`;
    if (!isPlainObject(item)) {
      errors.push({ path: at, message: `${at} must be an object {"prediction_id", "anomaly"}` });
      continue;
    }
    const anomaly = item.anomaly;
    if (typeof anomaly !== "boolean") {
      errors.push({
        path: `${at}.anomaly`,
        message: Object.hasOwn(item, "anomaly")
          ? `${at}.anomaly must be true or false, got ${JSON.stringify(anomaly)?.slice(0, 40)}`
          : `${at}.anomaly is required: true when the reading was an anomaly, false when not`,
      });
    }
    let served: DecodedPredictionId;
    try {
      served = decodePredictionId(item.prediction_id);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      errors.push({
        path: `${at}.prediction_id`,
        message: Object.hasOwn(item, "prediction_id")
          ? `${at}.prediction_id ${err.message}`
          : `${at}.prediction_id is required: the id /predict gave the verdict`,
      });
      continue;
    }
    if (typeof anomaly !== "boolean") continue;
    const id = item.prediction_id as string;
    const before = seen.get(id);
    if (before !== undefined && before !== anomaly) {
      errors.push({
        path: `${at}.anomaly`,
        message: `${at}.anomaly contradicts an earlier label for the same prediction_id`,
      });
      continue;
    }
    seen.set(id, anomaly);
    out.push({ predictionId: id, anomaly, served });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return out;
}

/** A validated feedback body: readings and their labels, index by index. */
export interface FeedbackBody {
  readings: Reading[];
  /** True when the reading was an anomaly (an operator confirmed the alarm). */
  labels: boolean[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function index(path: string): number {
  const m = /^readings\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) : -1;
}

/** Check a parsed feedback body; throws ValidationError naming each bad field. */
export function validateFeedbackBody(body: unknown, options: { maxBatch: number }): FeedbackBody {
  const labelErrors: FieldError[] = [];
  const labels: boolean[] = [];
  let stripped = body;
  if (isPlainObject(body) && Array.isArray(body.readings)) {
    const readings = (body.readings as unknown[]).map((r, i) => {
      if (!isPlainObject(r)) return r;
      const path = `readings[${i}].anomaly`;
      const { anomaly, ...rest } = r;
      if (typeof anomaly === "boolean") labels.push(anomaly);
      else {
        labels.push(false);
        labelErrors.push({
          path,
          message: Object.hasOwn(r, "anomaly")
            ? `${path} must be true or false, got ${JSON.stringify(anomaly)?.slice(0, 40)}`
            : `${path} is required: true when the reading was an anomaly, false when not`,
        });
      }
      return rest;
    });
    stripped = { ...body, readings };
  }
  let readings: Reading[] = [];
  let errors: FieldError[] = [];
  let limit: number | undefined;
  try {
    readings = validatePredictBody(stripped, options).readings;
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    errors = err.errors;
    limit = err.limit;
  }
  // Past the batch limit the readings were not looked at: report the limit alone.
  if (limit !== undefined) throw new ValidationError(errors, limit);
  const all = [...errors, ...labelErrors].sort((a, b) => index(a.path) - index(b.path));
  if (all.length > 0) throw new ValidationError(all.slice(0, MAX_ERRORS));
  return { readings, labels };
}

/**
 * Validation of a `POST /feedback` body: the `/predict` body whose readings
 * each carry a boolean `anomaly` label. Reading fields are checked by the
 * same rules as `/predict` (one description, `predict_schema.ts`); errors of
 * both kinds are reported together, in reading order.
 */
import type { Reading } from "../detector/mod.ts";
import { validatePredictBody, ValidationError } from "../predict/predict_schema.ts";
import type { FieldError } from "../../lib/problem.ts";

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
            ? `${path} must be true or false, got ${JSON.stringify(anomaly)}`
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
  if (all.length > 0) throw new ValidationError(all.slice(0, 20));
  return { readings, labels };
}

/**
 * The `/predict` request schema: one description that both validates request
 * bodies and generates the OpenAPI document, so the docs cannot drift from
 * what the service accepts. Validation is iterative and never recurses into
 * user data, so deeply nested input costs nothing.
 */
import type { Reading } from "./detector/types.ts";
import type { FieldError } from "./problem.ts";

/** Description of one reading field, used for validation and OpenAPI. */
export interface FieldSpec {
  type: "number" | "string";
  required: boolean;
  description: string;
  example: number | string;
  format?: "date-time";
}

/** The fields of a reading. Values are RMS over the sensor's measurement window (see docs). */
export const READING_FIELDS: Readonly<Record<keyof Reading, FieldSpec>> = {
  voltage: {
    type: "number",
    required: true,
    description: "RMS voltage in volts (nominal 230 V). Physically impossible values are " +
      "accepted and flagged as a sensor fault.",
    example: 230.1,
  },
  current: {
    type: "number",
    required: true,
    description: "RMS current in amperes (nominal about 10 A).",
    example: 10.2,
  },
  frequency: {
    type: "number",
    required: true,
    description: "Grid frequency in hertz (nominal 50 Hz).",
    example: 50.01,
  },
  timestamp: {
    type: "string",
    required: false,
    format: "date-time",
    description:
      "When the reading was taken (ISO-8601). Optional (null means absent); echoed nowhere.",
    example: "2026-01-01T12:00:00Z",
  },
};

const FIELD_NAMES = Object.keys(READING_FIELDS) as (keyof Reading)[];
const ALLOWED = new Set<string>(FIELD_NAMES);
const TOP_LEVEL = new Set(["readings"]);
// Enough to show a pattern of mistakes without building thousands of messages.
const MAX_ERRORS = 20;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Raised when a body is well-formed JSON but not a valid request; carries every field error found. */
export class ValidationError extends Error {
  readonly errors: FieldError[];
  readonly limit: number | undefined;
  constructor(errors: FieldError[], limit?: number) {
    super(
      errors.length === 1
        ? errors[0].message
        : `${errors[0].message} (and ${errors.length - 1} more)`,
    );
    this.name = "ValidationError";
    this.errors = errors;
    this.limit = limit;
  }
}

/** Options for {@link validatePredictBody}. */
export interface ValidateOptions {
  /** Most readings allowed (MAX_BATCH). */
  maxBatch: number;
}

/** A valid `/predict` body: its readings and how many unknown keys were ignored where. */
export interface PredictBody {
  readings: Reading[];
  /** Unknown keys ignored at the top level (`body`) and in readings (`reading`), summed. */
  ignored: { body: number; reading: number };
}

/** Describe a JSON value's type for an error message. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${quote(value)}`;
  if (typeof value === "number") return String(value);
  return String(value);
}

/** Quote a user-supplied string for a message, shortened so responses stay small. */
function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(short);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Check a parsed `/predict` body and return its readings; throws
 * {@link ValidationError} naming each bad field (`readings[3].voltage must be a finite number`).
 *
 * Unknown keys are ignored and counted, at the top level and in readings
 * (telemetry carries ids such as `sensor_id`; a batch must not fail over
 * them, and the original service ignored them too). `null` for an optional
 * field means absent (Python clients serialise `None` so). Values are copied
 * field by field, so keys like `__proto__` or `constructor` stay inert.
 */
export function validatePredictBody(body: unknown, options: ValidateOptions): PredictBody {
  if (!isPlainObject(body)) {
    throw new ValidationError([{
      path: "",
      message: `Body must be a JSON object with a "readings" array, got ${kindOf(body)}`,
    }]);
  }
  const errors: FieldError[] = [];
  const ignored = { body: 0, reading: 0 };
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) ignored.body++;
  const readings = body.readings;
  if (!Object.hasOwn(body, "readings")) {
    const unknown = Object.keys(body).slice(0, 10).map(quote).join(", ");
    errors.push({
      path: "readings",
      message: `readings is required${unknown ? ` (the body has only ${unknown})` : ""}`,
    });
    throw new ValidationError(errors);
  }
  if (!Array.isArray(readings)) {
    errors.push({
      path: "readings",
      message: `readings must be an array, got ${kindOf(readings)}`,
    });
    throw new ValidationError(errors);
  }
  if (readings.length === 0) {
    errors.push({ path: "readings", message: "readings must contain at least 1 reading" });
    throw new ValidationError(errors);
  }
  if (readings.length > options.maxBatch) {
    errors.push({
      path: "readings",
      message:
        `readings has ${readings.length} readings; the limit is ${options.maxBatch} per request (MAX_BATCH)`,
    });
    throw new ValidationError(errors, options.maxBatch);
  }

  const out: Reading[] = new Array(readings.length);
  for (let i = 0; i < readings.length && errors.length < MAX_ERRORS; i++) {
    const r = readings[i];
    const at = `readings[${i}]`;
    if (!isPlainObject(r)) {
      errors.push({ path: at, message: `${at} must be an object, got ${kindOf(r)}` });
      continue;
    }
    let unknownKeys = 0;
    for (const key in r) if (Object.hasOwn(r, key) && !ALLOWED.has(key)) unknownKeys++;
    ignored.reading += unknownKeys;
    let ok = true;
    for (const name of FIELD_NAMES) {
      const spec = READING_FIELDS[name];
      const path = `${at}.${name}`;
      const value = Object.hasOwn(r, name) ? r[name] : undefined;
      if (value === undefined || (value === null && !spec.required)) {
        if (spec.required) {
          // A typo ("voltag") is ignored like any unknown key; name it where it explains a gap.
          const unknown = unknownKeys > 0
            ? `; unknown keys are ignored, this reading has ${
              Object.keys(r).filter((k) => !ALLOWED.has(k)).slice(0, 5).map(quote).join(", ")
            }`
            : "";
          errors.push({ path, message: `${path} is required${unknown}` });
          ok = false;
        }
        continue;
      }
      if (spec.type === "number") {
        if (typeof value !== "number" || !Number.isFinite(value)) {
          errors.push({ path, message: `${path} must be a finite number, got ${kindOf(value)}` });
          ok = false;
        }
      } else if (
        typeof value !== "string" || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))
      ) {
        errors.push({
          path,
          message: `${path} must be an ISO-8601 date-time string or null, got ${kindOf(value)}`,
        });
        ok = false;
      }
    }
    if (ok) {
      out[i] = {
        voltage: r.voltage as number,
        current: r.current as number,
        frequency: r.frequency as number,
        ...(typeof r.timestamp === "string" ? { timestamp: r.timestamp } : {}),
      };
    }
  }
  if (errors.length > 0) throw new ValidationError(errors.slice(0, MAX_ERRORS));
  return { readings: out, ignored };
}

/** JSON Schema of a reading, generated from {@link READING_FIELDS}. */
export function readingJsonSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) {
    const { type, description, example, format, required } = READING_FIELDS[name];
    // Optional fields also accept null, meaning absent.
    properties[name] = {
      type: required ? type : [type, "null"],
      description,
      example,
      ...(format ? { format } : {}),
    };
  }
  return {
    type: "object",
    // Unknown keys are accepted and ignored (counted in ignored_fields_total).
    additionalProperties: true,
    required: FIELD_NAMES.filter((n) => READING_FIELDS[n].required),
    properties,
  };
}

/** JSON Schema of the `/predict` request body. */
export function predictRequestJsonSchema(maxBatch: number): Record<string, unknown> {
  return {
    type: "object",
    additionalProperties: true,
    required: ["readings"],
    properties: {
      readings: {
        type: "array",
        minItems: 1,
        maxItems: maxBatch,
        items: { $ref: "#/components/schemas/Reading" },
      },
    },
  };
}

/**
 * The `/predict` request schema: one description that both validates request
 * bodies and generates the OpenAPI document, so the docs cannot drift from
 * what the service accepts. Validation is iterative and never recurses into
 * user data, so deeply nested input costs nothing.
 */
import { FEATURES, type Reading } from "../detector/mod.ts";
import type { FieldError } from "../../lib/problem.ts";
import { parseTimestamp } from "./timestamp.ts";

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
  meter_id: {
    type: "string",
    required: false,
    description: "The meter (stream) the reading comes from, 1 to 128 characters. Optional " +
      "(null means absent). A temporal model reads each meter's readings as its own stream, in " +
      "the order sent; readings without one form one stream.",
    example: "feeder-7/meter-12",
  },
};

/** Longest `meter_id` accepted. */
export const MAX_METER_ID_LENGTH = 128;

/** The optional fields every reading may carry besides the model's features. */
const OPTIONAL_FIELDS = ["timestamp", "meter_id"] as const;
const TOP_LEVEL = new Set(["readings", "context"]);

/** Field kinds, checked without string compares: a feature, `meter_id`, `timestamp`. */
const NUMBER = 0;
const METER = 1;
const TIME = 2;

/** The fields of a reading for a model with `features`, in order. */
interface ReadingSchema {
  names: readonly string[];
  specs: readonly FieldSpec[];
  /** Each field's kind ({@link NUMBER}, {@link METER}, {@link TIME}), in the order of `names`. */
  kinds: Uint8Array;
  allowed: ReadonlySet<string>;
  /** Feature count: the first `features` names are the model's numeric inputs. */
  features: number;
  /** The features are exactly voltage, current, frequency (the fast path). */
  workshop: boolean;
}

const schemas = new Map<string, ReadingSchema>();

/** Field spec of a model feature: the workshop's description for its three, a generic one else. */
function featureSpec(name: string): FieldSpec {
  if (name === "voltage" || name === "current" || name === "frequency") return READING_FIELDS[name];
  return {
    type: "number",
    required: true,
    description: `The model's feature "${name}" (a finite number, as in its training data).`,
    example: 1,
  };
}

/** The schema of the last feature list asked for (the served model's, request after request). */
let lastSchema: ReadingSchema | null = null;

/** True when `features` names what `schema` was built for, in order (no key string built). */
function builtFor(schema: ReadingSchema, features: readonly string[]): boolean {
  if (schema.features !== features.length) return false;
  for (let f = 0; f < features.length; f++) if (schema.names[f] !== features[f]) return false;
  return true;
}

/** The reading schema for `features`, built once per feature list. */
function readingSchema(features: readonly string[]): ReadingSchema {
  if (lastSchema !== null && builtFor(lastSchema, features)) return lastSchema;
  const key = features.join("\u0000");
  let schema = schemas.get(key);
  if (!schema) {
    const names = [...features, ...OPTIONAL_FIELDS.filter((f) => !features.includes(f))];
    const specs = names.map((n, i) =>
      i < features.length ? featureSpec(n) : READING_FIELDS[n as keyof Reading]
    );
    schema = {
      names,
      specs,
      kinds: Uint8Array.from(
        names,
        (n, f) => specs[f].type === "number" ? NUMBER : n === "meter_id" ? METER : TIME,
      ),
      allowed: new Set(names),
      features: features.length,
      workshop: features.length === 3 && features[0] === "voltage" &&
        features[1] === "current" && features[2] === "frequency",
    };
    schemas.set(key, schema);
  }
  lastSchema = schema;
  return schema;
}
// Enough to show a pattern of mistakes without building thousands of messages.
const MAX_ERRORS = 20;

const DEFAULT_FEATURES: readonly string[] = FEATURES;

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
  /** Most readings allowed (MAX_BATCH), in `readings` and in `context` each. */
  maxBatch: number;
  /** The served model's features, each a required number. Default voltage, current, frequency. */
  features?: readonly string[];
}

/** A valid `/predict` body: its readings and how many unknown keys were ignored where. */
export interface PredictBody {
  readings: Reading[];
  /** Earlier readings that fill a temporal model's windows (empty when absent). */
  context: Reading[];
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
 * field means absent (Python clients serialise `None` so). A reading with an
 * unknown key or a null is copied field by field, so keys like `__proto__` or
 * `constructor` stay inert; one holding only known keys is kept as parsed
 * (no copy of 64 objects per batch).
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

  const schema = readingSchema(options.features ?? DEFAULT_FEATURES);
  let context: Reading[] = [];
  const contextTimes: number[] = [];
  const rawContext = body.context;
  if (rawContext !== undefined && rawContext !== null) {
    if (!Array.isArray(rawContext)) {
      errors.push({
        path: "context",
        message: `context must be an array, got ${kindOf(rawContext)}`,
      });
      throw new ValidationError(errors);
    }
    if (rawContext.length > options.maxBatch) {
      errors.push({
        path: "context",
        message: `context has ${rawContext.length} readings; the limit is ${options.maxBatch} ` +
          "(MAX_BATCH); a temporal model needs only each meter's last window - 1 readings",
      });
      throw new ValidationError(errors, options.maxBatch);
    }
    context = readingList(rawContext, "context", schema, errors, ignored, contextTimes);
  }
  const times: number[] = [];
  const out = readingList(readings, "readings", schema, errors, ignored, times);
  if (
    errors.length === 0 && (contextTimes.length > 0 || times.length > 0) &&
    !inTimeOrder(contextTimes, times)
  ) {
    checkTimeOrder({ readings: context, times: contextTimes }, { readings: out, times }, errors);
  }
  if (errors.length > 0) throw new ValidationError(errors.slice(0, MAX_ERRORS));
  return { readings: out, context, ignored };
}

/**
 * Validate the readings of one list (`readings` or `context`), adding to `errors`.
 * Paths and messages are built only for a field in error: a valid batch of 64
 * readings allocates its 64 copies and nothing else per reading.
 */
function readingList(
  list: unknown[],
  name: string,
  schema: ReadingSchema,
  errors: FieldError[],
  ignored: { body: number; reading: number },
  /** Filled with each reading's time in epoch ms (NaN without one) when any reading has one. */
  times: number[],
): Reading[] {
  const out: Reading[] = new Array(list.length);
  let timed = false;
  const { names, specs, allowed, kinds } = schema;
  for (let i = 0; i < list.length && errors.length < MAX_ERRORS; i++) {
    const r = list[i];
    if (!isPlainObject(r)) {
      const at = `${name}[${i}]`;
      errors.push({ path: at, message: `${at} must be an object, got ${kindOf(r)}` });
      continue;
    }
    let unknownKeys = 0;
    for (const key in r) if (!allowed.has(key) && Object.hasOwn(r, key)) unknownKeys++;
    ignored.reading += unknownKeys;
    let ok = true;
    // Only known keys, none of them null: the parsed object already is the reading.
    let clean = unknownKeys === 0;
    // The workshop's three features read by name, the usual case: a property read with a
    // fixed name needs no boxed copy of each number, where the loop below reads by key.
    let first = 0;
    if (schema.workshop) {
      const v = r.voltage, c = r.current, fr = r.frequency;
      if (
        typeof v === "number" && typeof c === "number" && typeof fr === "number" &&
        Number.isFinite(v) && Number.isFinite(c) && Number.isFinite(fr) &&
        Object.hasOwn(r, "voltage") && Object.hasOwn(r, "current") &&
        Object.hasOwn(r, "frequency")
      ) {
        first = 3;
      }
    }
    for (let f = first; f < names.length; f++) {
      const field = names[f];
      const value = Object.hasOwn(r, field) ? r[field] : undefined;
      const kind = kinds[f];
      if (value === undefined || (value === null && !specs[f].required)) {
        if (value === null) clean = false;
        if (specs[f].required) {
          const path = `${name}[${i}].${field}`;
          // A typo ("voltag") is ignored like any unknown key; name it where it explains a gap.
          const unknown = unknownKeys > 0
            ? `; unknown keys are ignored, this reading has ${
              Object.keys(r).filter((k) => !allowed.has(k)).slice(0, 5).map(quote).join(", ")
            }`
            : "";
          errors.push({ path, message: `${path} is required${unknown}` });
          ok = false;
        }
        continue;
      }
      if (kind === NUMBER) {
        if (typeof value !== "number" || !Number.isFinite(value)) {
          const path = `${name}[${i}].${field}`;
          errors.push({ path, message: `${path} must be a finite number, got ${kindOf(value)}` });
          ok = false;
        }
      } else if (kind === METER) {
        if (typeof value !== "string" || value === "" || value.length > MAX_METER_ID_LENGTH) {
          const path = `${name}[${i}].${field}`;
          errors.push({
            path,
            message: `${path} must be a string of 1 to ${MAX_METER_ID_LENGTH} characters or ` +
              `null, got ${kindOf(value)}`,
          });
          ok = false;
        }
      } else {
        const t = typeof value === "string" ? parseTimestamp(value) : NaN;
        if (Number.isNaN(t)) {
          const path = `${name}[${i}].${field}`;
          errors.push({
            path,
            message: `${path} must be an ISO-8601 date-time string or null, got ${kindOf(value)}`,
          });
          ok = false;
        } else {
          if (!timed) {
            // One allocation for the whole list rather than growing it reading by reading.
            timed = true;
            times.length = list.length;
            times.fill(NaN);
          }
          times[i] = t;
        }
      }
    }
    if (ok) out[i] = clean ? r as unknown as Reading : copyReading(r, schema);
  }
  return out;
}

/**
 * The validated reading as a new object holding only its known fields, so
 * keys like `__proto__` stay inert. The workshop's three features get object
 * literals (a few fixed hidden classes, as before models could have other features).
 */
function copyReading(r: Record<string, unknown>, schema: ReadingSchema): Reading {
  const timestamp = typeof r.timestamp === "string" ? r.timestamp : undefined;
  const meter = typeof r.meter_id === "string" ? r.meter_id : undefined;
  if (schema.workshop) {
    // Each shape as one literal: one allocation, no property store added afterwards.
    const voltage = r.voltage as number;
    const current = r.current as number;
    const frequency = r.frequency as number;
    if (timestamp === undefined) {
      return meter === undefined
        ? { voltage, current, frequency }
        : { voltage, current, frequency, meter_id: meter };
    }
    return meter === undefined
      ? { voltage, current, frequency, timestamp }
      : { voltage, current, frequency, timestamp, meter_id: meter };
  }
  const reading: Record<string, unknown> = {};
  for (let f = 0; f < schema.features; f++) reading[schema.names[f]] = r[schema.names[f]];
  if (timestamp !== undefined) reading.timestamp = timestamp;
  if (meter !== undefined) reading.meter_id = meter;
  return reading as unknown as Reading;
}

/** A validated list and the time of each reading (NaN without one; empty when none has one). */
interface TimedList {
  readings: Reading[];
  times: number[];
}

/**
 * True when the timed readings, context first, are in time order whatever
 * their meters: then so is each meter's, and {@link checkTimeOrder} has
 * nothing to find (the usual case, checked without a map per request).
 */
function inTimeOrder(contextTimes: readonly number[], times: readonly number[]): boolean {
  let last = -Infinity;
  for (const list of [contextTimes, times]) {
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      if (t < last) return false;
      if (t === t) last = t; // NaN: no timestamp, compared with nothing
    }
  }
  return true;
}

/**
 * Readings of one meter must come in time order (context first, then
 * readings): a temporal model's windows assume it. Only readings that carry
 * a timestamp are compared.
 */
function checkTimeOrder(context: TimedList, readings: TimedList, errors: FieldError[]): void {
  const lastTime = new Map<string, number>();
  // Where the meter's last timed reading was: -1 - i in context, i in readings.
  const lastAt = new Map<string, number>();
  const where = (at: number) =>
    at < 0 ? `context[${-1 - at}].timestamp` : `readings[${at}].timestamp`;
  const visit = (list: TimedList, inContext: boolean) => {
    for (let i = 0; i < list.times.length && errors.length < MAX_ERRORS; i++) {
      const t = list.times[i];
      if (Number.isNaN(t)) continue;
      const meter = list.readings[i].meter_id;
      const key = meter ?? "";
      const before = lastTime.get(key);
      const at = inContext ? -1 - i : i;
      if (before !== undefined && t < before) {
        errors.push({
          path: where(at),
          message: `${where(at)} ${quote(list.readings[i].timestamp!)} is earlier than ` +
            `${where(lastAt.get(key)!)}` +
            (meter !== undefined ? ` of the same meter ${quote(meter)}` : "") +
            "; send each meter's readings in time order",
        });
      }
      lastTime.set(key, t);
      lastAt.set(key, at);
    }
  };
  visit(context, true);
  visit(readings, false);
}

/** JSON Schema of a reading for a model with `features` (default voltage, current, frequency). */
export function readingJsonSchema(
  features: readonly string[] = DEFAULT_FEATURES,
): Record<string, unknown> {
  const { names, specs } = readingSchema(features);
  const properties: Record<string, unknown> = {};
  names.forEach((name, i) => {
    const { type, description, example, format, required } = specs[i];
    // Optional fields also accept null, meaning absent.
    properties[name] = {
      type: required ? type : [type, "null"],
      description,
      example,
      ...(format ? { format } : {}),
      ...(name === "meter_id" ? { minLength: 1, maxLength: MAX_METER_ID_LENGTH } : {}),
    };
  });
  return {
    type: "object",
    // Unknown keys are accepted and ignored (counted in ignored_fields_total).
    additionalProperties: true,
    required: names.filter((_, i) => specs[i].required),
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
      context: {
        type: ["array", "null"],
        maxItems: maxBatch,
        description: "Earlier readings of the same meters, oldest first, that fill a temporal " +
          "model's windows; they get no prediction. Send each meter's last window - 1 readings " +
          "(`config.window` in /model) to score a stream in batches exactly as in one piece. The " +
          "isolation forest ignores them.",
        items: { $ref: "#/components/schemas/Reading" },
      },
    },
  };
}

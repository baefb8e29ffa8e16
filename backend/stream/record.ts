/**
 * One Kafka record of `grid.readings` to a reading, or to the reason it goes
 * to the dead-letter topic. The reading is checked by the same validation as
 * `POST /predict` (so both paths accept exactly the same readings), plus what
 * a stream needs: a `meter_id` equal to the record key (the key decides the
 * partition, and so which scorer holds the meter's window), a `timestamp`, and
 * time order per meter.
 */
import { validatePredictBody, ValidationError } from "../predict/predict_schema.ts";
import type { Reading } from "../detector/mod.ts";

/** Why a record was dead-lettered (a label value of `stream_dead_letters_total`). */
export type DeadLetterReason =
  | "not_json"
  | "invalid_reading"
  | "missing_timestamp"
  | "unknown_meter"
  | "out_of_order";

/** Every {@link DeadLetterReason}, for metrics. */
export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  "not_json",
  "invalid_reading",
  "missing_timestamp",
  "unknown_meter",
  "out_of_order",
];

/** A valid reading with its meter and time (epoch ms). */
export interface StreamReading {
  meter: string;
  time: number;
  reading: Reading;
}

/** A record that cannot be scored: why, and a message naming the problem. */
export interface Rejected {
  reason: DeadLetterReason;
  message: string;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder();

/** A record's key and value as consumed. */
export interface RawInput {
  key: Uint8Array | undefined | null;
  value: Uint8Array | undefined | null;
}

function decodeJson(value: Uint8Array | undefined | null): { body: unknown } | Rejected {
  try {
    return { body: JSON.parse(decoder.decode(value ?? new Uint8Array())) };
  } catch {
    return { reason: "not_json", message: "Value is not UTF-8 JSON" };
  }
}

/** The meter and time checks on a reading that passed `/predict`'s validation. */
function streamReading(key: RawInput["key"], reading: Reading): StreamReading | Rejected {
  const meter = (reading as { meter_id?: string }).meter_id;
  const keyText = key === undefined || key === null ? "" : lenient.decode(key);
  if (meter === undefined || meter !== keyText) {
    return {
      reason: "unknown_meter",
      message: meter === undefined
        ? "meter_id is required on the stream"
        : `meter_id ${JSON.stringify(meter)} differs from the record key ${
          JSON.stringify(keyText)
        }`,
    };
  }
  const stamp = (reading as { timestamp?: string }).timestamp;
  if (stamp === undefined) {
    return { reason: "missing_timestamp", message: "timestamp is required on the stream" };
  }
  return { meter, time: Date.parse(stamp), reading };
}

/** Parse one record's key and value into a reading, or say why it is rejected. */
export function parseRecord(
  key: RawInput["key"],
  value: RawInput["value"],
  features: readonly string[],
): StreamReading | Rejected {
  const decoded = decodeJson(value);
  if (isRejected(decoded)) return decoded;
  let reading: Reading;
  try {
    reading = validatePredictBody({ readings: [decoded.body] }, { maxBatch: 1, features })
      .readings[0];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return {
      reason: "invalid_reading",
      message: err.errors.map((e) => e.message.replace(/^readings\[0\]\.?/, "")).join("; "),
    };
  }
  return streamReading(key, reading);
}

/**
 * Parse many records: {@link parseRecord} for each, with the validation done
 * once for the whole batch in the common case where every value is valid (a
 * batch with any invalid reading is validated record by record, so each gets
 * its own message). Time order across records is the caller's to check.
 */
export function parseRecords(
  records: readonly RawInput[],
  features: readonly string[],
): (StreamReading | Rejected)[] {
  const out: (StreamReading | Rejected)[] = new Array(records.length);
  const bodies: unknown[] = [];
  const at: number[] = [];
  for (let i = 0; i < records.length; i++) {
    const decoded = decodeJson(records[i].value);
    if (isRejected(decoded)) {
      out[i] = decoded;
      continue;
    }
    bodies.push(decoded.body);
    at.push(i);
  }
  if (bodies.length === 0) return out;
  let readings: Reading[] | null = null;
  try {
    // Any invalid reading, or a meter's readings out of time order within the batch, fails the
    // whole list: then each record is validated alone below, for its own message.
    readings = validatePredictBody({ readings: bodies }, { maxBatch: bodies.length, features })
      .readings;
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
  }
  for (let j = 0; j < at.length; j++) {
    const i = at[j];
    out[i] = readings === null
      ? parseRecord(records[i].key, records[i].value, features)
      : streamReading(records[i].key, readings[j]);
  }
  return out;
}

/** True when {@link parseRecord} rejected the record. */
export function isRejected(result: object): result is Rejected {
  return "reason" in result;
}

/**
 * One Kafka record of `grid.readings` to a reading, or to the reason it goes
 * to the dead-letter topic. The reading is checked by the same validation as
 * `POST /predict` (so both paths accept exactly the same readings), plus what
 * a stream needs: a `meter_id` equal to the record key (the key decides the
 * partition, and so which scorer holds the meter's window), a `timestamp`, and
 * time order per meter.
 */
import { validatePredictBody, ValidationError } from "../predict/predict_schema.ts";
import type { Reading } from "../detector/types.ts";

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

/** Options for {@link parseRecord}. */
export interface ParseOptions {
  /** The served model's features. */
  features: readonly string[];
  /** The meter's last scored time (epoch ms), if any: a reading must be later. */
  lastTime?: number;
}

/** Parse a record's key and value into a reading, or say why it is rejected. */
export function parseRecord(
  key: Uint8Array | undefined | null,
  value: Uint8Array | undefined | null,
  options: ParseOptions,
): StreamReading | Rejected {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(value ?? new Uint8Array()));
  } catch {
    return { reason: "not_json", message: "Value is not UTF-8 JSON" };
  }
  let reading: Reading;
  try {
    reading = validatePredictBody({ readings: [body] }, { maxBatch: 1, features: options.features })
      .readings[0];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return {
      reason: "invalid_reading",
      message: err.errors.map((e) => e.message.replace(/^readings\[0\]\.?/, "")).join("; "),
    };
  }
  const meter = (reading as { meter_id?: string }).meter_id;
  const keyText = key === undefined || key === null ? "" : lenient.decode(key);
  if (meter === undefined || meter !== keyText) {
    return {
      reason: "unknown_meter",
      message: meter === undefined
        ? "meter_id is required on the stream"
        : `meter_id ${JSON.stringify(meter)} differs from the record key ${JSON.stringify(keyText)}`,
    };
  }
  const stamp = (reading as { timestamp?: string }).timestamp;
  if (stamp === undefined) {
    return { reason: "missing_timestamp", message: "timestamp is required on the stream" };
  }
  const time = Date.parse(stamp);
  if (options.lastTime !== undefined && time <= options.lastTime) {
    return {
      reason: "out_of_order",
      message: `timestamp ${stamp} is not after the meter's last reading ` +
        new Date(options.lastTime).toISOString(),
    };
  }
  return { meter, time, reading };
}

/** True when {@link parseRecord} rejected the record. */
export function isRejected(result: StreamReading | Rejected): result is Rejected {
  return "reason" in result;
}

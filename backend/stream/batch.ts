/**
 * Score one batch of stream records against the owned meters' windows: the
 * pure core of the stream scorer (no Kafka, no clock). Each reading is scored
 * by `detector.predict` with its meter's window as `context`, the very call
 * `POST /predict` makes with a request's context, so a reading gets the same
 * score on both paths. Windows are not changed in place: the caller applies
 * the returned ones only once the outputs are acknowledged.
 */
import type { Detector, Prediction, Reading } from "../detector/mod.ts";
import { isRejected, parseRecords, type Rejected } from "./record.ts";
import { advance, contextLength, type MeterWindow } from "./windows.ts";

/** A consumed record. */
export interface InputRecord {
  key: Uint8Array | undefined | null;
  value: Uint8Array | undefined | null;
  partition: number;
  offset: bigint;
}

/** A flagged reading as sent to `grid.anomalies` (key: `meter_id`). */
export interface AnomalyRecord extends Record<string, unknown> {
  meter_id: string;
  timestamp: string;
  score: number;
  reasons: NonNullable<Prediction["reasons"]>;
  model_version: string;
  /** Input partition and offset: with `meter_id` and `timestamp`, what a duplicate repeats. */
  partition: number;
  offset: string;
}

/** Every scored reading's outcome (the optional scores topic: audits and the stream check). */
export interface ScoreRecord {
  meter_id: string;
  timestamp: string;
  score: number;
  anomaly: boolean;
  model_version: string;
  partition: number;
  offset: string;
}

/** A record sent to the dead-letter topic, with why. */
export interface DeadLetter extends Rejected {
  record: InputRecord;
}

/** What a batch produced. */
export interface BatchResult {
  anomalies: AnomalyRecord[];
  deadLetters: DeadLetter[];
  /** Windows of the meters that scored a reading, to apply once outputs are acknowledged. */
  windows: Map<string, MeterWindow>;
  /** Readings scored. */
  scored: number;
  /** Records at or below their meter's last scored offset: a replay after a crash, skipped. */
  replayed: number;
  /** Each scored reading's outcome, when asked for (else empty). */
  scores: ScoreRecord[];
  /** The input records that were scored, in the order of `scores`. */
  scoredRecords: InputRecord[];
}

/** Options for {@link scoreBatch}. */
export interface ScoreBatchOptions {
  /** Also return every reading's score. */
  withScores?: boolean;
}

/** Score `records` (in partition order) with `detector` against `windows`. */
export function scoreBatch(
  detector: Detector,
  windows: ReadonlyMap<string, MeterWindow>,
  records: readonly InputRecord[],
  options: ScoreBatchOptions = {},
): BatchResult {
  const keep = contextLength(detector.info);
  const features = detector.info.features;
  const changed = new Map<string, MeterWindow>();
  const deadLetters: DeadLetter[] = [];
  const readings: Reading[] = [];
  const inputs: InputRecord[] = [];
  const context: Reading[] = [];
  const seen = new Set<string>();
  let replayed = 0;
  const parsedAll = parseRecords(records, features);
  for (let k = 0; k < records.length; k++) {
    const record = records[k];
    const parsed = parsedAll[k];
    if (isRejected(parsed)) {
      deadLetters.push({ ...parsed, record });
      continue;
    }
    const window = changed.get(parsed.meter) ?? windows.get(parsed.meter);
    if (
      window !== undefined && window.partition === record.partition &&
      record.offset <= window.offset
    ) {
      replayed++;
      continue;
    }
    if (window !== undefined && parsed.time <= window.lastTime) {
      const rejected: Rejected = {
        reason: "out_of_order",
        message: `timestamp ${(parsed.reading as { timestamp: string }).timestamp} is not after ` +
          `the meter's last reading ${new Date(window.lastTime).toISOString()}`,
      };
      deadLetters.push({ ...rejected, record });
      continue;
    }
    if (!seen.has(parsed.meter)) {
      seen.add(parsed.meter);
      if (window !== undefined && keep > 0) context.push(...window.readings);
    }
    readings.push(parsed.reading);
    inputs.push(record);
    changed.set(
      parsed.meter,
      advance(window, parsed.reading, {
        time: parsed.time,
        partition: record.partition,
        offset: record.offset,
        keep,
      }),
    );
  }
  const anomalies: AnomalyRecord[] = [];
  const scores: ScoreRecord[] = [];
  if (readings.length > 0) {
    const predictions = context.length > 0
      ? detector.predict(readings, { context })
      : detector.predict(readings);
    const version = detector.info.version;
    for (let i = 0; i < predictions.length; i++) {
      const p = predictions[i];
      const r = readings[i] as Reading & { meter_id: string; timestamp: string };
      if (options.withScores) {
        scores.push({
          meter_id: r.meter_id,
          timestamp: r.timestamp,
          score: p.score,
          anomaly: p.anomaly,
          model_version: version,
          partition: inputs[i].partition,
          offset: inputs[i].offset.toString(),
        });
      }
      if (!p.anomaly) continue;
      anomalies.push({
        ...r,
        meter_id: r.meter_id,
        timestamp: r.timestamp,
        score: p.score,
        reasons: p.reasons ?? [],
        model_version: version,
        partition: inputs[i].partition,
        offset: inputs[i].offset.toString(),
      });
    }
  }
  return {
    anomalies,
    deadLetters,
    windows: changed,
    scored: readings.length,
    replayed,
    scores,
    scoredRecords: inputs,
  };
}

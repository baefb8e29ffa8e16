/**
 * The scorer's state: for each meter it owns, the last readings a temporal
 * model needs as context (window - 1 of them), the time of the last one, and
 * the input offset it came from. The offset is what makes replays exact: after
 * a crash, the readings between the last committed offset and the last
 * changelog write are read again, and those at or below a meter's offset were
 * already scored and sent, so they are skipped (and counted) instead of being
 * added to the window twice. Serialized as the value of the compacted
 * changelog topic, keyed by meter.
 */
import type { Reading } from "../detector/mod.ts";

/** One meter's window. */
export interface MeterWindow {
  /** The last readings, oldest first, at most the context length. */
  readings: Reading[];
  /** Epoch ms of the last scored reading. */
  lastTime: number;
  /** Input partition and offset of the last scored reading. */
  partition: number;
  offset: bigint;
}

/** Readings of context a detector needs: window - 1 for a temporal model, none for the forest. */
export function contextLength(info: { config: object }): number {
  const window = (info.config as { window?: unknown }).window;
  return typeof window === "number" ? window - 1 : 0;
}

/** A window after `reading` (at `time`, from `partition`/`offset`) was scored. */
export function advance(
  window: MeterWindow | undefined,
  reading: Reading,
  at: { time: number; partition: number; offset: bigint; keep: number },
): MeterWindow {
  const readings = window === undefined ? [] : window.readings.slice();
  if (at.keep > 0) {
    readings.push(reading);
    if (readings.length > at.keep) readings.splice(0, readings.length - at.keep);
  } else {
    readings.length = 0;
  }
  return { readings, lastTime: at.time, partition: at.partition, offset: at.offset };
}

/** The changelog value of a window. */
export function encodeWindow(window: MeterWindow): string {
  return JSON.stringify({
    readings: window.readings,
    last_time: window.lastTime,
    partition: window.partition,
    offset: window.offset.toString(),
  });
}

/** A window from its changelog value; throws TypeError when it is not one. */
export function decodeWindow(text: string): MeterWindow {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (
    !Array.isArray(raw.readings) || typeof raw.last_time !== "number" ||
    typeof raw.partition !== "number" || typeof raw.offset !== "string" ||
    !/^\d+$/.test(raw.offset)
  ) {
    throw new TypeError("Changelog value is not a meter window");
  }
  return {
    readings: raw.readings as Reading[],
    lastTime: raw.last_time,
    partition: raw.partition,
    offset: BigInt(raw.offset),
  };
}

/**
 * The meters whose window has gone stale (meter → its partition): the last
 * reading is more than `ttlMs` older than the partition's newest reading, or
 * than `now` when that is in the future (a meter with a runaway clock must not
 * expire the rest). Event time, not arrival: a scorer catching up on a backlog
 * keeps the windows the backlog still needs. A stale window would give a meter
 * that comes back context from long ago; it is dropped and the meter starts
 * afresh, so memory follows the meters that report, not every meter ever seen.
 */
export function staleMeters(
  windows: ReadonlyMap<string, MeterWindow>,
  ttlMs: number,
  now: number,
): Map<string, number> {
  const newest = new Map<number, number>();
  for (const w of windows.values()) {
    if (w.lastTime > (newest.get(w.partition) ?? -Infinity)) newest.set(w.partition, w.lastTime);
  }
  const stale = new Map<string, number>();
  for (const [meter, w] of windows) {
    if (w.lastTime < Math.min(newest.get(w.partition)!, now) - ttlMs) stale.set(meter, w.partition);
  }
  return stale;
}

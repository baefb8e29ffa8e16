/**
 * Warm the scoring path before the scorer joins its group: the first batches
 * a cold process scores run before V8 has compiled parsing and the detector
 * (measured at 10,000 readings/s: the first 500-reading batch took 19 ms and
 * 1,500 readings 66 ms, against 3 to 4 ms per 500 once warm), and their
 * readings wait behind them. Scoring a simulated fleet a few times through the
 * very function the scorer uses moves that cost to before the first real
 * reading. The windows it builds are its own and are dropped.
 */
import type { Detector } from "../detector/mod.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { type InputRecord, scoreBatch } from "./batch.ts";
import type { MeterWindow } from "./windows.ts";

const encoder = new TextEncoder();

/** `count` records of a simulated fleet, as the scorer consumes them. */
export function warmUpRecords(count: number): InputRecord[] {
  const meters = Math.max(1, Math.min(50, Math.ceil(count / 20)));
  const fleet = simulateFleet({ seed: 1, meters, readingsPerMeter: Math.ceil(count / meters) });
  return fleet.readings.slice(0, count).map((r, i) => ({
    key: encoder.encode(r.meter_id),
    value: encoder.encode(JSON.stringify({
      meter_id: r.meter_id,
      timestamp: r.timestamp,
      voltage: r.voltage,
      current: r.current,
      frequency: r.frequency,
    })),
    partition: 0,
    offset: BigInt(i),
  }));
}

/** Score `rounds` batches of `size` simulated records with `detector`; returns readings scored. */
export function warmUp(detector: Detector, rounds = 4, size = 1000): number {
  const records = warmUpRecords(rounds * size);
  const windows = new Map<string, MeterWindow>();
  let scored = 0;
  for (let i = 0; i < rounds; i++) {
    const result = scoreBatch(detector, windows, records.slice(i * size, (i + 1) * size), {
      withScores: true,
    });
    for (const [meter, w] of result.windows) windows.set(meter, w);
    scored += result.scored;
  }
  return scored;
}

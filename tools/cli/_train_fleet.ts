/**
 * `train --detector temporal` without `--csv`: the temporal model trained on
 * a simulated fleet's normal day and evaluated on the next day with temporal
 * events, through the same report as own data (text, `--json`, `--scores`,
 * `--report`). The workshop can then serve it with `MODEL_NAME`.
 */
import type { Dataset, Split } from "./_dataset.ts";
import type { TrainedCsv } from "./_byod_report.ts";
import { fitDetector, type FitOptions } from "./_train_csv.ts";
import { toMatrix } from "../../backend/detector/mod.ts";
import { type FleetReading, simulateFleet } from "../../lib/simulator/fleet.ts";

/** The simulated fleet: meters, one reading every 10 s, one day to train on. */
export const FLEET = Object.freeze({ meters: 4, intervalMs: 10_000, readingsPerMeter: 8_640 });

/** A simulated fleet as a dataset: its meters as streams, its events as labels. */
export function fleetDataset(name: string, readings: readonly FleetReading[]): Dataset {
  return {
    path: name,
    sha256: "",
    data: {
      matrix: toMatrix(readings),
      labels: readings.map((r) => r.anomaly),
      meters: readings.map((r) => r.meter_id),
      times: readings.map((r) => Date.parse(r.timestamp)),
      timeText: readings.map((r) => r.timestamp),
      rows: readings.length,
      lines: readings.map((_, i) => i + 2),
    },
  };
}

/** Train on a normal simulated day (seed), evaluate on the next day with events (seed + 1). */
export function trainOnFleet(seed: number, options: FitOptions): TrainedCsv {
  const start = Date.UTC(2026, 0, 1);
  const normal = simulateFleet({ seed, ...FLEET, kinds: [] }).readings;
  const events = simulateFleet({
    seed: (seed + 1) >>> 0,
    meterSeed: seed,
    ...FLEET,
    start: start + FLEET.readingsPerMeter * FLEET.intervalMs,
  }).readings;
  const datasets = [
    fleetDataset(`simulated fleet, day 1 (seed ${seed})`, normal),
    fleetDataset(`simulated fleet, day 2 (seed ${(seed + 1) >>> 0})`, events),
  ];
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  const splits: Split[] = [
    { trainRows: normal.length, fit: all(normal.length), test: [] },
    { trainRows: 0, fit: [], test: all(events.length) },
  ];
  const description = {
    source: "simulator fleet",
    seed,
    meters: FLEET.meters,
    intervalMs: FLEET.intervalMs,
    rows: normal.length,
  };
  const { model, ms } = fitDetector(datasets, splits, options, description);
  return {
    model,
    datasets,
    splits,
    ms,
    dataText: `${normal.length} normal readings of ${FLEET.meters} simulated meters, one day ` +
      `at ${FLEET.intervalMs / 1000} s (seed ${seed})`,
    evaluationText: `the next simulated day, ${events.length} readings with temporal events ` +
      `(seed ${(seed + 1) >>> 0})`,
  };
}

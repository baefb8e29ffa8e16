/**
 * The temporal model the service trains when it has none: fitted on one
 * simulated day of the fleet's normal operation (the simulator's meters, a
 * reading every 10 s), with the default window and contamination. The UI's
 * fleet view streams the same meters (`PROJECT_FLEET`) at the same cadence,
 * so each has its own baseline and the window statistics' normal spread is
 * measured at the time scale they are scored at. Pure TypeScript.
 *
 * Why the stream's cadence (measured with format 6's window of 8): 8 readings span 80 s at 10 s and 8
 * minutes at one reading a minute, and a meter's level moves more in 8
 * minutes. Trained a reading a minute, the fleet view's default stream (20
 * seeds of 2 minutes, `frontend/tests/fleet_quality.ts`) had precision 88.2 %
 * (one seed under 85 %); trained at its 10 s, 89.7 % (every seed at 86.8 % or
 * more), recall 81.1 % and 80.8 %. The price is start-up time, since training
 * runs in the serving process before it is ready: a day at 10 s (69,120 rows)
 * trained in 2.6-2.8 s on a 2-core machine, a day at a minute in 0.7-1.3 s.
 */
import { PROJECT_FLEET, simulateFleet } from "../../lib/simulator/fleet.ts";
import { toMatrix } from "./model.ts";
import { parseTimestamp } from "../../lib/timestamp.ts";
import { FEATURES } from "./types.ts";
import { DEFAULT_TEMPORAL_CONFIG, fitTemporal, type TemporalModel } from "./temporal.ts";

/** The simulated fleet the service trains on: the UI's fleet view streams these meters. */
export const TRAINING_FLEET = Object.freeze({
  ...PROJECT_FLEET,
  intervalMs: 10_000,
  readingsPerMeter: 8_640,
});

/** Options of {@link trainFleetTemporal}. */
export interface FleetTrainingOptions {
  /** Seed of the simulated day (the meters are always {@link PROJECT_FLEET}'s). */
  seed: number;
  source: string;
  createdAt?: string;
  ratedCurrent?: number;
}

/** Fit the default temporal model on a normal simulated day of {@link TRAINING_FLEET}. */
export function trainFleetTemporal(options: FleetTrainingOptions): TemporalModel {
  const { readings } = simulateFleet({ seed: options.seed, ...TRAINING_FLEET, kinds: [] });
  const model = fitTemporal(toMatrix(readings), FEATURES, { ...DEFAULT_TEMPORAL_CONFIG }, {
    meters: readings.map((r) => r.meter_id),
    times: readings.map((r) => parseTimestamp(r.timestamp)),
    description: {
      source: "simulator fleet",
      seed: options.seed,
      meters: TRAINING_FLEET.meters,
      intervalMs: TRAINING_FLEET.intervalMs,
      rows: readings.length,
    },
  });
  return model.withOptions({
    source: options.source,
    ...(options.createdAt ? { createdAt: options.createdAt } : {}),
    ...(options.ratedCurrent !== undefined ? { ratedCurrent: options.ratedCurrent } : {}),
  });
}

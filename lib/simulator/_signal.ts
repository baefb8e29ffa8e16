/**
 * Signal helpers shared by the single-stream simulator and the fleet
 * simulator: sensor rounding, the diurnal load curve and the point anomalies.
 * Each helper draws from the PRNG in a fixed order, so streams stay
 * reproducible from their seed.
 */
import { type Rng, uniform } from "./rng.ts";

/** The kinds of single-reading anomaly the simulators inject. */
export const ANOMALY_KINDS = [
  "voltage_sag",
  "voltage_swell",
  "current_spike",
  "current_drop",
  "frequency_high",
  "frequency_low",
  "interruption",
] as const;

/** One of {@link ANOMALY_KINDS}. */
export type AnomalyKind = typeof ANOMALY_KINDS[number];

/** The three measured values of a reading, mutable while a reading is built. */
export interface Values {
  voltage: number;
  current: number;
  frequency: number;
}

const HOUR_MS = 3_600_000;

/** Round to a fixed number of decimals, as a sensor would report. */
export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** Round a reading's values to the sensor resolution (10 mV, 1 mA, 1 mHz). */
export function roundValues(values: Values): Values {
  return {
    voltage: round(values.voltage, 2),
    current: round(values.current, 3),
    frequency: round(values.frequency, 3),
  };
}

/**
 * Diurnal load in [-1, 1]: low at night, peaking in the evening (about 19:00).
 * Voltage sags slightly and current rises with load.
 */
export function diurnalLoad(epochMs: number): number {
  const hour = (epochMs % (24 * HOUR_MS)) / HOUR_MS;
  return Math.sin(((hour - 13) / 24) * 2 * Math.PI);
}

/** Overwrite `values` with a point anomaly of `kind` (magnitudes as in the workshop). */
export function injectPointAnomaly(kind: AnomalyKind, rng: Rng, values: Values): void {
  switch (kind) {
    case "voltage_sag":
      values.voltage = uniform(rng, 150, 200);
      break;
    case "voltage_swell":
      values.voltage = uniform(rng, 258, 290);
      break;
    case "current_spike":
      values.current = uniform(rng, 25, 40);
      break;
    case "current_drop":
      values.current = uniform(rng, 0, 2);
      break;
    case "frequency_high":
      values.frequency = uniform(rng, 50.55, 51);
      break;
    case "frequency_low":
      values.frequency = uniform(rng, 49, 49.45);
      break;
    case "interruption":
      values.voltage = uniform(rng, 0, 10);
      values.current = uniform(rng, 0, 0.5);
      break;
  }
}

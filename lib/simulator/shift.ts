/**
 * A deliberate shift of simulated readings, for the drift exercise: scale
 * voltage or current, offset frequency, as a miscalibrated sensor or a
 * changed feeder would. `/simulate` and `deno task load` take it as
 * `voltage_scale`, `current_scale`, `frequency_offset` (flags
 * `--voltage-scale`...). The ranges keep the readings physical (no negative
 * volts) while allowing far more than any drift test needs. Pure TypeScript.
 */
import type { Range } from "../ranges.ts";

/** The shift applied to every reading; omitted fields leave that value alone. */
export interface Shift {
  /** Multiplies voltage (1.02: two percent high). */
  voltageScale?: number;
  /** Multiplies current. */
  currentScale?: number;
  /** Added to frequency, in hertz. */
  frequencyOffset?: number;
}

/** Accepted values of each shift parameter, by its query-string name. */
export const SHIFT_PARAMS = {
  voltage_scale: { key: "voltageScale", range: { min: 0.5, max: 1.5 }, default: 1 },
  current_scale: { key: "currentScale", range: { min: 0, max: 5 }, default: 1 },
  frequency_offset: { key: "frequencyOffset", range: { min: -5, max: 5 }, default: 0 },
} as const satisfies Record<string, { key: keyof Shift; range: Range; default: number }>;

/** Whether `shift` changes anything. */
export function isShifted(shift: Shift): boolean {
  return (shift.voltageScale ?? 1) !== 1 || (shift.currentScale ?? 1) !== 1 ||
    (shift.frequencyOffset ?? 0) !== 0;
}

/** Apply `shift` to `values` in place. */
export function applyShift(
  values: { voltage: number; current: number; frequency: number },
  shift: Shift,
): void {
  values.voltage *= shift.voltageScale ?? 1;
  values.current *= shift.currentScale ?? 1;
  values.frequency += shift.frequencyOffset ?? 0;
}

/**
 * A meter's daily cycle, for the temporal detector's baseline: load raises
 * the current and lowers the voltage by time of day, so a baseline that is
 * one mean per channel counts that cycle as normal spread, and a window mean
 * must move past it before it stands out. Fitted per channel as one
 * harmonic of the day, `a cos(2πh/24) + b sin(2πh/24)` at UTC hour `h`
 * (with an intercept that the baseline's mean then takes over), by least
 * squares on training rows whose times cover every hour of the day, so the
 * fit never extrapolates into hours it did not see. Rows without a time
 * (NaN) are left out of the fit and are scored against the baseline mean.
 * Pure TypeScript.
 */
import { solveSmall } from "./coupling.ts";
import { DAY_MS } from "./reference_sample.ts";

/** Coefficients per channel: `[cos, sin]` at `channel * 2`. */
export const DIURNAL_TERMS = 2;

/** The phase of the day at `epochMs` (UTC) as its cosine and sine, written to `out`. */
export function dayPhase(epochMs: number, out: Float64Array): void {
  const x = (2 * Math.PI * (((epochMs % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS;
  out[0] = Math.cos(x);
  out[1] = Math.sin(x);
}

/** Whether the times at `rows` fall in every hour of the day (NaN times are ignored). */
export function coversDay(times: ArrayLike<number>, rows: readonly number[]): boolean {
  const hours = new Uint8Array(24);
  let seen = 0;
  for (const r of rows) {
    const t = times[r];
    if (!Number.isFinite(t)) continue;
    const h = Math.floor((((t % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000);
    if (hours[h] === 0) {
      hours[h] = 1;
      if (++seen === 24) return true;
    }
  }
  return false;
}

/**
 * The daily harmonic of each of `nf` channels of the row-major `matrix` over
 * `rows` (`DIURNAL_TERMS` per channel), or null when their times do not cover
 * every hour of the day.
 */
export function fitDiurnal(
  matrix: Float64Array,
  nf: number,
  rows: readonly number[],
  times: ArrayLike<number>,
): number[] | null {
  if (!coversDay(times, rows)) return null;
  const phase = new Float64Array(2);
  // Normal equations over [1, cos, sin], shared by every channel.
  const a = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const y = Array.from({ length: nf }, () => [0, 0, 0]);
  for (const r of rows) {
    if (!Number.isFinite(times[r])) continue;
    dayPhase(times[r], phase);
    const b = [1, phase[0], phase[1]];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) a[i][j] += b[i] * b[j];
      for (let c = 0; c < nf; c++) y[c][i] += b[i] * matrix[r * nf + c];
    }
  }
  const out: number[] = [];
  for (let c = 0; c < nf; c++) {
    const x = solveSmall(a.map((row) => [...row]), [...y[c]]);
    out.push(x[1], x[2]);
  }
  return out;
}

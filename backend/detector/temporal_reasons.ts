/**
 * Why the temporal detector flagged a reading, in the units an operator
 * reads: the meter's window mean or spread against its normal operation.
 * The code names what the window shows: a shifted mean is a `level_shift`,
 * (also one out of line with the meter's other channels, which normally move
 * with it), a collapsed spread a `flatline` (a stuck sensor or frozen feed), a grown
 * spread a `fluctuation`, and when the reading's own value decided, a
 * `model_outlier`. Pure TypeScript.
 */
import { FEATURES, type Reason } from "./types.ts";
import type { Finding, TemporalModel } from "./temporal.ts";
import { WINDOW_STATS } from "./window_stats.ts";

const MEAN = WINDOW_STATS.indexOf("mean");
const RESIDUAL_MEAN = WINDOW_STATS.indexOf("residual_mean");

/** Every code the temporal detector's reasons use (a closed set, safe as a metrics label). */
export const TEMPORAL_REASON_CODES = [
  "level_shift",
  "flatline",
  "fluctuation",
  "model_outlier",
] as const;

const UNITS: Record<string, string> = { voltage: " V", current: " A", frequency: " Hz" };

function num(value: number): string {
  return Number(value.toPrecision(Math.abs(value) >= 100 ? 5 : 4)).toString();
}

function signed(z: number): string {
  return `${z >= 0 ? "+" : ""}${z.toFixed(1)}`;
}

/** Where a flagged reading sits: its rows and the scored row index. */
export interface ReasonContext {
  /** Row-major rows (context and readings), one column per feature. */
  matrix: Float64Array;
  /** The previous row of the same meter per row. */
  prev: Int32Array;
  row: number;
  /** The meter's key, if the readings carry one. */
  meter?: string;
  /** The reading's time (epoch ms), for a model with a daily cycle. */
  time?: number;
}

/** The temporal reason for a flagged reading, from the finding that decided its score. */
export function temporalReason(
  model: TemporalModel,
  finding: Finding,
  where: ReasonContext,
): Reason {
  const nf = model.features.length;
  const c = finding.channel;
  const feature = model.features[c];
  const unit = UNITS[feature] ?? "";
  const { mean: baseMean, sd: baseSd } = model.baseline(finding.baseline, c, where.time);
  const window: number[] = [];
  for (let r = where.row; r !== -1 && window.length < finding.n; r = where.prev[r]) {
    window.push(where.matrix[r * nf + c]);
  }
  const n = window.length;
  const mean = window.reduce((a, v) => a + v, 0) / n;
  const rawSd = Math.sqrt(window.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
  // Rounding leaves about 1e-15 of a frozen value's spread; report it as the 0 it is.
  const sd = rawSd < 1e-9 * (1 + Math.abs(mean)) ? 0 : rawSd;
  const value = where.matrix[where.row * nf + c];
  const of = where.meter ? ` of ${where.meter}` : "";
  const name = feature.charAt(0).toUpperCase() + feature.slice(1);
  const normal = `${num(baseMean)}${unit} ± ${num(baseSd)}${unit}`;
  const levelZ = (mean - baseMean) / baseSd;
  const spread = sd / baseSd;
  // The code comes from the raw window, not the deciding statistic alone: window statistics see
  // clipped values, so a deep sag (every value clipped) also looks "flat" to them.
  let code: (typeof TEMPORAL_REASON_CODES)[number];
  if (finding.stat === 0) code = "model_outlier";
  else if (finding.z < 0 && spread < 0.5) code = "flatline";
  else if (finding.stat === MEAN || finding.stat === RESIDUAL_MEAN) code = "level_shift";
  else code = levelZ * levelZ >= spread * spread - 1 ? "level_shift" : "fluctuation";
  const over = `over the last ${n} readings${of}`;
  const message = code === "model_outlier"
    ? `Unusual ${feature} ${num(value)}${unit}${of} (z = ${signed((value - baseMean) / baseSd)}; ` +
      `normal operation ${normal})`
    : code === "level_shift"
    ? `${name} averaged ${num(mean)}${unit} ${over}, against ${num(baseMean)}${unit} in normal ` +
      `operation (${signed(levelZ)} sd)` +
      (finding.stat === RESIDUAL_MEAN ? ", out of line with the meter's other channels" : "")
    : code === "flatline"
    ? `${name} barely changed ${over} (sd ${num(sd)}${unit}, normally ${num(baseSd)}${unit}): ` +
      "a stuck sensor or a frozen feed"
    : `${name} fluctuated ${over} (sd ${num(sd)}${unit}, normally ${num(baseSd)}${unit})`;
  const grid = (FEATURES as readonly string[]).includes(feature);
  return {
    signal: grid ? feature as (typeof FEATURES)[number] : "model",
    code,
    message,
    severity: "warning",
    reference: "temporal window model",
    feature,
  };
}

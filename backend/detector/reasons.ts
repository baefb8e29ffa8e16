/**
 * Why a reading is anomalous, in words an operator can check.
 *
 * Rule-based reasons come first and cite where their band comes from:
 * EN 50160 for supply voltage (230 V ±10 %, interruption below 5 %) and
 * frequency (50 Hz ±1 %), the configured rated current for current (there is
 * no standard supply limit for current), and fixed plausibility limits for
 * sensor faults. One sample can only show a value outside a band: EN 50160 is
 * a statistical criterion over 10-minute means for a week, so no message
 * claims non-compliance, and durations (dip vs. interruption classes in IEEE
 * 1159) cannot be told from a single reading. When no rule fires, the model's
 * view is given instead: the feature furthest from the training data.
 * Pure TypeScript.
 */
import { RANGE_GUARD_SD } from "./range_guard.ts";
import { FEATURES, type Reading, type Reason, type Severity } from "./types.ts";

/** Every reason code, a closed set (safe as a metrics label). */
export const REASON_CODES = [
  "sensor_fault",
  "interruption",
  "voltage_dip",
  "voltage_swell",
  "frequency_low",
  "frequency_high",
  "current_high",
  "model_outlier",
] as const;

/** One of {@link REASON_CODES}. */
export type ReasonCode = typeof REASON_CODES[number];

/** Rated current in amperes used when none is configured (`RATED_CURRENT`, as in config.ts). */
export const DEFAULT_RATED_CURRENT = 16;

/** The grid bands the rules apply (230 V / 50 Hz low-voltage supply). */
export const GRID_LIMITS = Object.freeze({
  /** Declared supply voltage Uc (1 pu). */
  nominalVoltage: 230,
  /** EN 50160: 95 % of 10-min means within 230 V ±10 %. */
  voltageLow: 207,
  voltageHigh: 253,
  /** EN 50160: all 10-min means within +10 %/-15 %; below this a dip is "major". */
  voltageDipMajorBelow: 195.5,
  /** 1.2 pu, the top of IEEE 1159's temporary swell band; above this a swell is "major". */
  voltageSwellMajorAbove: 276,
  /** EN 50160: an interruption is below 5 % of the reference voltage. */
  interruptionBelow: 11.5,
  /** IEEE 1159: an interruption is below 0.1 pu, so the standards disagree from 11.5 to 23 V. */
  ieeeInterruptionBelow: 23,
  nominalFrequency: 50,
  /** EN 50160: 10-s means within 50 Hz ±1 % for 99.5 % of a year. */
  frequencyLow: 49.5,
  frequencyHigh: 50.5,
  /** ENTSO-E: excursions beyond ±800 mHz risk load shedding; "critical". */
  frequencyCriticalLow: 49.2,
  frequencyCriticalHigh: 50.8,
  /** ENTSO-E normal operation, ±200 mHz; beyond it a model outlier is a "warning". */
  frequencyNormalLow: 49.8,
  frequencyNormalHigh: 50.2,
});

/** Finite values outside these ranges cannot come from a working sensor on an LV feeder. */
export const PHYSICAL_LIMITS = Object.freeze({
  voltage: { min: 0, max: 1000, unit: "V" },
  current: { min: 0, max: 10_000, unit: "A" },
  /** The minimum is exclusive: 0 Hz is not a frequency an AC sensor can report. */
  frequency: { min: 0, max: 100, unit: "Hz" },
});

/** Mean and standard deviation of each feature over the training data, and its range. */
export interface FeatureStats {
  mean: number[];
  sd: number[];
  /**
   * Smallest and largest training value of each feature (the range guard's
   * second condition). Absent in artifacts written before them.
   */
  min?: number[];
  max?: number[];
}

/** Options for {@link explain}. */
export interface ExplainOptions {
  /** Names of the values, in order. */
  features: readonly string[];
  /**
   * The grid quantity of each value (`voltage`, `current`, `frequency`, or ""
   * for none); grid rules apply only to those. Default: the feature names.
   */
  quantities?: readonly string[];
  /** Training statistics; without them no `model_outlier` reason can be given. */
  stats?: FeatureStats;
  /** Rated current in amperes for `current_high`. Default {@link DEFAULT_RATED_CURRENT}. */
  ratedCurrent?: number;
}

const UNITS: Record<string, string> = { voltage: "V", current: "A", frequency: "Hz" };

function withUnit(feature: string, value: number): string {
  const unit = UNITS[feature];
  return unit ? `${value} ${unit}` : `${value}`;
}

function isFault(feature: string, value: number): boolean {
  switch (feature) {
    case "voltage":
      return value < PHYSICAL_LIMITS.voltage.min || value > PHYSICAL_LIMITS.voltage.max;
    case "current":
      return value < PHYSICAL_LIMITS.current.min || value > PHYSICAL_LIMITS.current.max;
    case "frequency":
      return value <= PHYSICAL_LIMITS.frequency.min || value > PHYSICAL_LIMITS.frequency.max;
    default:
      return false;
  }
}

/**
 * True when any grid quantity in `values` (from `offset`: a row of a matrix,
 * without a view on it per row) is physically implausible (a sensor fault).
 * `quantities` names each value's grid quantity ("" for none).
 */
export function hasSensorFault(
  values: ArrayLike<number>,
  quantities: readonly string[],
  offset = 0,
): boolean {
  for (let i = 0; i < quantities.length; i++) {
    if (isFault(quantities[i], values[offset + i])) return true;
  }
  return false;
}

function faultReason(feature: "voltage" | "current" | "frequency", value: number): Reason {
  const { min, max, unit } = PHYSICAL_LIMITS[feature];
  const range = feature === "frequency"
    ? `above ${min} and at most ${max} ${unit}`
    : `${min}–${max} ${unit}`;
  return {
    signal: feature,
    code: "sensor_fault",
    message: `${capitalize(feature)} ${
      withUnit(feature, value)
    } is physically implausible (expected ${range}): likely a sensor fault, not a grid event`,
    severity: "major",
    reference: "sensor plausibility limits",
  };
}

function voltageReason(v: number): Reason | null {
  const L = GRID_LIMITS;
  if (v < L.interruptionBelow) {
    return {
      signal: "voltage",
      code: "interruption",
      message: `Voltage ${v} V is below ${L.interruptionBelow} V (5 % of ${L.nominalVoltage} V): ` +
        "an interruption by the EN 50160 definition",
      severity: "critical",
      reference: "EN 50160",
    };
  }
  const band = `outside the EN 50160 ±10 % band (${L.voltageLow}–${L.voltageHigh} V)`;
  const pu = (v / L.nominalVoltage).toFixed(2);
  if (v < L.voltageLow) {
    const ieee = v < L.ieeeInterruptionBelow
      ? `; IEEE 1159 counts below ${L.ieeeInterruptionBelow} V (0.1 pu) as an interruption`
      : "";
    return {
      signal: "voltage",
      code: "voltage_dip",
      message: `Voltage ${v} V is ${band}: a dip to ${pu} pu ` +
        `(duration not determinable from one sample)${ieee}`,
      severity: v < L.voltageDipMajorBelow ? "major" : "warning",
      reference: "EN 50160",
    };
  }
  if (v > L.voltageHigh) {
    return {
      signal: "voltage",
      code: "voltage_swell",
      message: `Voltage ${v} V is ${band}: a swell to ${pu} pu ` +
        "(duration not determinable from one sample)",
      severity: v > L.voltageSwellMajorAbove ? "major" : "warning",
      reference: "EN 50160",
    };
  }
  return null;
}

function frequencyReason(f: number): Reason | null {
  const L = GRID_LIMITS;
  const low = f < L.frequencyLow;
  if (!low && !(f > L.frequencyHigh)) return null;
  const critical = f < L.frequencyCriticalLow || f > L.frequencyCriticalHigh;
  return {
    signal: "frequency",
    code: low ? "frequency_low" : "frequency_high",
    message: `Frequency ${f} Hz is outside the EN 50160 ±1 % band ` +
      `(${L.frequencyLow}–${L.frequencyHigh} Hz)` +
      (critical
        ? `, beyond the ±800 mHz excursion ENTSO-E plans for ` +
          `(${L.frequencyCriticalLow}–${L.frequencyCriticalHigh} Hz)`
        : ""),
    severity: critical ? "critical" : "major",
    reference: "EN 50160",
  };
}

function currentReason(c: number, rated: number): Reason | null {
  if (!(c > rated)) return null;
  return {
    signal: "current",
    code: "current_high",
    message: `Current ${c} A is above the configured rated current of ${rated} A (RATED_CURRENT)`,
    severity: c > 1.5 * rated ? "major" : "warning",
    reference: "RATED_CURRENT",
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function round(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}

function modelReason(values: ArrayLike<number>, features: readonly string[], stats: FeatureStats) {
  let best = -1;
  let bestZ = 0;
  for (let i = 0; i < features.length; i++) {
    const diff = values[i] - stats.mean[i];
    const z = stats.sd[i] > 0 ? diff / stats.sd[i] : diff === 0 ? 0 : Math.sign(diff) * Infinity;
    if (best === -1 || Math.abs(z) > Math.abs(bestZ)) {
      best = i;
      bestZ = z;
    }
  }
  const feature = features[best];
  const value = values[best];
  const L = GRID_LIMITS;
  const outsideNormal = feature === "frequency" &&
    (value < L.frequencyNormalLow || value > L.frequencyNormalHigh);
  const z = Number.isFinite(bestZ) ? bestZ.toFixed(1) : bestZ > 0 ? "+∞" : "-∞";
  // A constant feature (sd 0) is left to the forest by the guard, whatever its value.
  const beyond = Number.isFinite(bestZ) && Math.abs(bestZ) > RANGE_GUARD_SD;
  const reason: Reason = {
    signal: "model",
    code: "model_outlier",
    message:
      `Unusual reading for the model: ${feature} ${
        withUnit(feature, value)
      } is furthest from the training data (z = ${z}; training mean ${
        round(stats.mean[best], 6)
      }, sd ${round(stats.sd[best], 4)})` +
      (beyond
        ? `, beyond the ${RANGE_GUARD_SD} sd a score can judge: flagged by the range guard`
        : "") +
      (outsideNormal
        ? `; inside the EN 50160 band but outside ENTSO-E normal operation ` +
          `(${L.frequencyNormalLow}–${L.frequencyNormalHigh} Hz)`
        : ""),
    severity: (outsideNormal || beyond ? "warning" : "info") as Severity,
    reference: beyond ? "range guard" : "isolation forest",
    feature,
  };
  return reason;
}

/**
 * Reasons for one reading, most specific first: sensor faults, then grid
 * bands left (voltage, frequency, current), else one `model_outlier` naming
 * the feature furthest from training (needs `stats`). Grid rules are skipped
 * for a value that is a sensor fault. Empty when nothing applies.
 */
export function explain(values: ArrayLike<number>, options: ExplainOptions): Reason[] {
  const { features, stats } = options;
  const quantities = options.quantities ?? features;
  const rated = options.ratedCurrent ?? DEFAULT_RATED_CURRENT;
  const reasons: Reason[] = [];
  const faults: Reason[] = [];
  for (let i = 0; i < features.length; i++) {
    const feature = quantities[i];
    const value = values[i];
    if (feature !== "voltage" && feature !== "current" && feature !== "frequency") continue;
    if (isFault(feature, value)) {
      faults.push(faultReason(feature, value));
      continue;
    }
    const reason = feature === "voltage"
      ? voltageReason(value)
      : feature === "frequency"
      ? frequencyReason(value)
      : currentReason(value, rated);
    if (reason) reasons.push(reason);
  }
  const ranked = [...faults, ...orderBySignal(reasons)];
  if (ranked.length === 0 && stats && features.length > 0) {
    ranked.push(modelReason(values, features, stats));
  }
  return ranked;
}

/** Voltage first, then frequency, then current: the order operators triage in. */
function orderBySignal(reasons: Reason[]): Reason[] {
  const rank: Record<string, number> = { voltage: 0, frequency: 1, current: 2 };
  return reasons.sort((a, b) => (rank[a.signal] ?? 3) - (rank[b.signal] ?? 3));
}

/** {@link explain} for a reading with the service's {@link FEATURES}. */
export function explainReading(
  reading: Readonly<Reading>,
  options: Omit<ExplainOptions, "features"> = {},
): Reason[] {
  const values = [reading.voltage, reading.current, reading.frequency];
  return explain(values, { ...options, features: FEATURES });
}

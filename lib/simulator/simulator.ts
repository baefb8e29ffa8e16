/**
 * Simulated grid readings: normal operation with a diurnal pattern plus
 * labeled anomalies. Pure TypeScript with no Deno, Node or HTTP imports: the
 * backend (training, `/simulate`), the UI islands, `deno task load` and the k6
 * scripts all run this one module.
 */
import { createRng, gaussian, type Rng } from "./rng.ts";
import { formatTimestamp } from "../timestamp.ts";
import {
  ANOMALY_KINDS,
  type AnomalyKind,
  diurnalLoad,
  injectPointAnomaly,
  roundValues,
  type Values,
} from "./_signal.ts";
import { assertInRange } from "../ranges.ts";
import { applyShift, isShifted, type Shift, SHIFT_PARAMS } from "./shift.ts";

export type { Shift };

/** One sensor reading as the API accepts it. */
export interface Reading {
  /** RMS voltage in volts. */
  voltage: number;
  /** RMS current in amperes. */
  current: number;
  /** Frequency in hertz. */
  frequency: number;
  /** When the reading was taken (lib/timestamp.ts; optional in the API). */
  timestamp?: string;
  /** The meter (stream) the reading comes from (optional in the API). */
  meter_id?: string;
}

export { ANOMALY_KINDS, type AnomalyKind };

/** A simulated reading with its ground-truth label. */
export interface LabeledReading extends Reading {
  timestamp: string;
  /** True when the simulator injected an anomaly into this reading. */
  anomaly: boolean;
  /** Which anomaly was injected, or null for normal operation. */
  kind: AnomalyKind | null;
}

/** Nominal operating point and noise, as in the workshop's simulator. */
export const NOMINAL = {
  voltage: { mean: 230, sd: 3.5 },
  current: { mean: 10, sd: 2 },
  frequency: { mean: 50, sd: 0.05 },
} as const;

/** The workshop's "Inject Extreme Reading": a swell, an overcurrent and high frequency at once. */
export const EXTREME_READING: Readonly<Reading> = Object.freeze({
  voltage: 275,
  current: 28,
  frequency: 50.7,
});

/** Options for {@link Simulator}. */
export interface SimulatorOptions {
  /** PRNG seed; the same seed gives the same readings. Default 42. */
  seed?: number;
  /** Probability in [0, 1] that a reading is anomalous. Default 0. */
  anomalyRate?: number;
  /** Time of the first reading (epoch ms). Default 2026-01-01T00:00:00Z. */
  start?: number;
  /** Milliseconds between readings. Default 1000. */
  intervalMs?: number;
  /** Drift on purpose: scale voltage or current, offset frequency (`shift.ts`). Default none. */
  shift?: Shift;
}

const DEFAULT_START = Date.UTC(2026, 0, 1);
/** A seeded stream of labeled readings. */
export class Simulator {
  readonly #rng: Rng;
  readonly #anomalyRate: number;
  readonly #intervalMs: number;
  readonly #shift: Shift | null;
  #time: number;

  /** Create a simulator; throws RangeError on an anomaly rate outside [0, 1]. */
  constructor(options: SimulatorOptions = {}) {
    const rate = assertInRange({ name: "Anomaly rate", min: 0, max: 1 }, options.anomalyRate ?? 0);
    this.#rng = createRng(options.seed ?? 42);
    this.#anomalyRate = rate;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#time = options.start ?? DEFAULT_START;
    const shift = options.shift ?? {};
    for (const [name, p] of Object.entries(SHIFT_PARAMS)) {
      const value = shift[p.key];
      if (value !== undefined) assertInRange({ name: `Shift ${name}`, ...p.range }, value);
    }
    this.#shift = isShifted(shift) ? shift : null;
  }

  /** The next reading in the stream. */
  next(): LabeledReading {
    const rng = this.#rng;
    const t = this.#time;
    this.#time += this.#intervalMs;
    const load = diurnalLoad(t);
    const values: Values = {
      voltage: gaussian(rng, NOMINAL.voltage.mean - 1.5 * load, NOMINAL.voltage.sd),
      current: Math.max(0, gaussian(rng, NOMINAL.current.mean + 1.5 * load, NOMINAL.current.sd)),
      frequency: gaussian(rng, NOMINAL.frequency.mean, NOMINAL.frequency.sd),
    };
    let kind: AnomalyKind | null = null;
    if (this.#anomalyRate > 0 && rng() < this.#anomalyRate) {
      kind = ANOMALY_KINDS[Math.floor(rng() * ANOMALY_KINDS.length)];
      injectPointAnomaly(kind, rng, values);
    }
    if (this.#shift) applyShift(values, this.#shift);
    return {
      ...roundValues(values),
      timestamp: formatTimestamp(t),
      anomaly: kind !== null,
      kind,
    };
  }

  /** The next `n` readings. */
  batch(n: number): LabeledReading[] {
    const out: LabeledReading[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }
}

/** Generate `n` labeled readings in one call. */
export function simulate(n: number, options: SimulatorOptions = {}): LabeledReading[] {
  assertInRange({ name: "Reading count", min: 0, integer: true }, n);
  return new Simulator(options).batch(n);
}

/** Strip the labels, leaving what a client posts to `/predict`. */
export function toReading(r: LabeledReading): Reading {
  return { voltage: r.voltage, current: r.current, frequency: r.frequency, timestamp: r.timestamp };
}

/**
 * Simulated grid readings: normal operation with a diurnal pattern plus
 * labeled anomalies. Pure TypeScript with no Deno, Node or HTTP imports: the
 * backend (training, `/simulate`), the UI islands, `deno task load` and the k6
 * scripts all run this one module.
 */
import { createRng, gaussian, type Rng, uniform } from "./rng.ts";

/** One sensor reading as the API accepts it. */
export interface Reading {
  /** RMS voltage in volts. */
  voltage: number;
  /** RMS current in amperes. */
  current: number;
  /** Frequency in hertz. */
  frequency: number;
  /** ISO-8601 time the reading was taken (optional in the API). */
  timestamp?: string;
}

/** The kinds of anomaly the simulator injects. */
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
}

const DEFAULT_START = Date.UTC(2026, 0, 1);
const HOUR_MS = 3_600_000;

/** Round to a fixed number of decimals, as a sensor would report. */
function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/**
 * Diurnal load in [-1, 1]: low at night, peaking in the evening (about 19:00).
 * Voltage sags slightly and current rises with load.
 */
function diurnalLoad(epochMs: number): number {
  const hour = (epochMs % (24 * HOUR_MS)) / HOUR_MS;
  return Math.sin(((hour - 13) / 24) * 2 * Math.PI);
}

/** A seeded stream of labeled readings. */
export class Simulator {
  readonly #rng: Rng;
  readonly #anomalyRate: number;
  readonly #intervalMs: number;
  #time: number;

  /** Create a simulator; throws RangeError on an anomaly rate outside [0, 1]. */
  constructor(options: SimulatorOptions = {}) {
    const rate = options.anomalyRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) {
      throw new RangeError(`Anomaly rate must be between 0 and 1, got ${rate}`);
    }
    this.#rng = createRng(options.seed ?? 42);
    this.#anomalyRate = rate;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#time = options.start ?? DEFAULT_START;
  }

  /** The next reading in the stream. */
  next(): LabeledReading {
    const rng = this.#rng;
    const t = this.#time;
    this.#time += this.#intervalMs;
    const load = diurnalLoad(t);
    let voltage = gaussian(rng, NOMINAL.voltage.mean - 1.5 * load, NOMINAL.voltage.sd);
    let current = Math.max(0, gaussian(rng, NOMINAL.current.mean + 1.5 * load, NOMINAL.current.sd));
    let frequency = gaussian(rng, NOMINAL.frequency.mean, NOMINAL.frequency.sd);
    let kind: AnomalyKind | null = null;
    if (this.#anomalyRate > 0 && rng() < this.#anomalyRate) {
      kind = ANOMALY_KINDS[Math.floor(rng() * ANOMALY_KINDS.length)];
      switch (kind) {
        case "voltage_sag":
          voltage = uniform(rng, 150, 200);
          break;
        case "voltage_swell":
          voltage = uniform(rng, 258, 290);
          break;
        case "current_spike":
          current = uniform(rng, 25, 40);
          break;
        case "current_drop":
          current = uniform(rng, 0, 2);
          break;
        case "frequency_high":
          frequency = uniform(rng, 50.55, 51);
          break;
        case "frequency_low":
          frequency = uniform(rng, 49, 49.45);
          break;
        case "interruption":
          voltage = uniform(rng, 0, 10);
          current = uniform(rng, 0, 0.5);
          break;
      }
    }
    return {
      voltage: round(voltage, 2),
      current: round(current, 3),
      frequency: round(frequency, 3),
      timestamp: new Date(t).toISOString(),
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
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`Reading count must be a non-negative integer, got ${n}`);
  }
  return new Simulator(options).batch(n);
}

/** Strip the labels, leaving what a client posts to `/predict`. */
export function toReading(r: LabeledReading): Reading {
  return { voltage: r.voltage, current: r.current, frequency: r.frequency, timestamp: r.timestamp };
}

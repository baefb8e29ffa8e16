/**
 * A fleet of meters, each with its own operating point, whose streams carry
 * temporal anomaly events: sustained sags and swells, slow sensor drift, a
 * stuck sensor, voltage oscillation (flicker) and a frequency ramp. Ground
 * truth comes per reading (`anomaly`, `kind`, `event`) and per event
 * (`events`). Pure TypeScript, like the single-stream simulator.
 *
 * Event magnitudes are deliberately moderate (a sag of 8 to 15 V on a meter
 * whose noise is 2.5 to 4 V): a single reading is often inside normal
 * variation, the run of readings is not. That is the gap temporal detection
 * has to close.
 */
import { createRng, gaussian, type Rng, uniform } from "./rng.ts";
import {
  ANOMALY_KINDS,
  type AnomalyKind,
  diurnalLoad,
  injectPointAnomaly,
  roundValues,
  type Values,
} from "./_signal.ts";
import type { Reading } from "./simulator.ts";
import { assertInRange } from "../ranges.ts";

/** The kinds of temporal event the fleet simulator injects. */
export const TEMPORAL_KINDS = [
  "sustained_sag",
  "sustained_swell",
  "drift",
  "stuck_sensor",
  "oscillation",
  "frequency_ramp",
] as const;

/** One of {@link TEMPORAL_KINDS}. */
export type TemporalKind = typeof TEMPORAL_KINDS[number];

/** A measured quantity of a reading. */
export type Signal = keyof Values;

/** One meter's operating point: mean and noise of each signal. */
export interface MeterProfile {
  meter_id: string;
  voltage: { mean: number; sd: number };
  current: { mean: number; sd: number };
  frequency: { mean: number; sd: number };
}

/** A simulated reading from one meter with its ground truth. */
export interface FleetReading extends Reading {
  meter_id: string;
  timestamp: string;
  /** True inside a temporal event or on a point anomaly. */
  anomaly: boolean;
  /** The event's or point anomaly's kind, or null for normal operation. */
  kind: TemporalKind | AnomalyKind | null;
  /** Id of the temporal event this reading belongs to, or null. */
  event: number | null;
}

/** Ground truth for one temporal event. */
export interface FleetEvent {
  /** Sequential id, referenced by {@link FleetReading.event}. */
  id: number;
  meter_id: string;
  kind: TemporalKind;
  /** The signal the event changes. */
  signal: Signal;
  /** Index of the event's first reading in its meter's stream (0-based). */
  first: number;
  /** Number of readings in the event. */
  length: number;
  /** Timestamps of the first and last reading of the event. */
  start: string;
  end: string;
  /** Largest deviation the event adds (volts, amperes or hertz; 0 for a stuck sensor). */
  magnitude: number;
}

/** Options for {@link simulateFleet}. */
export interface FleetOptions {
  /** PRNG seed; the same seed and options give the same fleet. Default 42. */
  seed?: number;
  /** Seed of the meters' operating points, so two fleets can share meters. Default `seed`. */
  meterSeed?: number;
  /** Number of meters, 1 to 1000. Default 4. */
  meters?: number;
  /** Readings per meter. Default 1000. */
  readingsPerMeter?: number;
  /** Time of the first reading (epoch ms). Default 2026-01-01T00:00:00Z. */
  start?: number;
  /** Milliseconds between a meter's readings. Default 1000. */
  intervalMs?: number;
  /** Event kinds to inject; `[]` gives normal operation only. Default all of {@link TEMPORAL_KINDS}. */
  kinds?: readonly TemporalKind[];
  /** Mean number of normal readings between two events of a meter. Default 300. */
  meanGap?: number;
  /** Readings at the start of each meter's stream kept free of events (a training stretch). Default 0. */
  normalPrefix?: number;
  /** Probability that a reading outside events carries a point anomaly. Default 0. */
  pointAnomalyRate?: number;
}

/** A simulated fleet: readings in time order (meters interleaved), events and meter profiles. */
export interface Fleet {
  readings: FleetReading[];
  events: FleetEvent[];
  meters: MeterProfile[];
}

const DEFAULT_START = Date.UTC(2026, 0, 1);

/** Length range (readings) of each event kind. */
const LENGTHS: Record<TemporalKind, [number, number]> = {
  sustained_sag: [30, 120],
  sustained_swell: [30, 120],
  drift: [80, 200],
  stuck_sensor: [20, 100],
  oscillation: [20, 80],
  frequency_ramp: [30, 120],
};

/** Meter profiles: voltage level within ±4 V of 230 V, 6 to 14 A, noise varying per meter. */
function profiles(seed: number, meters: number): MeterProfile[] {
  const rng = createRng((seed ^ 0x5bd1e995) >>> 0);
  return Array.from({ length: meters }, (_, m) => ({
    meter_id: `meter-${String(m + 1).padStart(2, "0")}`,
    voltage: { mean: uniform(rng, 226, 234), sd: uniform(rng, 2.5, 4) },
    current: { mean: uniform(rng, 6, 14), sd: uniform(rng, 1, 2.5) },
    frequency: { mean: 50, sd: uniform(rng, 0.03, 0.06) },
  }));
}

/** An event planned on one meter's stream. */
interface Planned {
  kind: TemporalKind;
  signal: Signal;
  first: number;
  length: number;
  /** Signed size of the change (or amplitude for oscillation). */
  size: number;
  /** Oscillation period in readings. */
  period: number;
  phase: number;
}

function integer(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function sign(rng: Rng): number {
  return rng() < 0.5 ? -1 : 1;
}

/** Non-overlapping events on a stream of `n` readings; the first starts after a normal stretch. */
function planEvents(
  rng: Rng,
  n: number,
  kinds: readonly TemporalKind[],
  gaps: { meanGap: number; prefix: number },
) {
  const { meanGap, prefix } = gaps;
  const planned: Planned[] = [];
  if (kinds.length === 0) return planned;
  let at = prefix + integer(rng, Math.round(meanGap * 0.5), Math.round(meanGap * 1.5));
  while (true) {
    const kind = kinds[Math.floor(rng() * kinds.length)];
    const [lo, hi] = LENGTHS[kind];
    const length = integer(rng, lo, hi);
    if (at + length > n) break;
    let signal: Signal = "voltage";
    let size = 0;
    let period = 0;
    let phase = 0;
    switch (kind) {
      case "sustained_sag":
        size = -uniform(rng, 8, 15);
        break;
      case "sustained_swell":
        size = uniform(rng, 8, 15);
        break;
      case "drift":
        signal = rng() < 0.5 ? "voltage" : "current";
        size = sign(rng) * (signal === "voltage" ? uniform(rng, 10, 20) : uniform(rng, 4, 8));
        break;
      case "stuck_sensor": {
        const signals: Signal[] = ["voltage", "current", "frequency"];
        signal = signals[Math.floor(rng() * 3)];
        break;
      }
      case "oscillation":
        size = uniform(rng, 6, 10);
        period = integer(rng, 2, 8);
        phase = uniform(rng, 0, 2 * Math.PI);
        break;
      case "frequency_ramp":
        signal = "frequency";
        size = sign(rng) * uniform(rng, 0.15, 0.35);
        break;
    }
    planned.push({ kind, signal, first: at, length, size, period, phase });
    at += length + integer(rng, Math.round(meanGap * 0.5), Math.round(meanGap * 1.5));
  }
  return planned;
}

/** Add event `e`'s effect at its `k`-th reading; a stuck sensor repeats `previous`. */
function applyEvent(e: Planned, k: number, values: Values, previous: Values | null): void {
  switch (e.kind) {
    case "sustained_sag":
    case "sustained_swell":
      values.voltage += e.size;
      break;
    case "drift":
    case "frequency_ramp":
      // Linear from near zero to the full size at the last reading.
      values[e.signal] += e.size * (k + 1) / e.length;
      break;
    case "stuck_sensor":
      if (previous) values[e.signal] = previous[e.signal];
      break;
    case "oscillation":
      values.voltage += e.size * Math.sin((2 * Math.PI * k) / e.period + e.phase);
      break;
  }
}

function checkOptions(options: FleetOptions) {
  const meters = options.meters ?? 4;
  const perMeter = options.readingsPerMeter ?? 1000;
  const meanGap = options.meanGap ?? 300;
  const pointRate = options.pointAnomalyRate ?? 0;
  const prefix = options.normalPrefix ?? 0;
  assertInRange({ name: "Normal prefix", min: 0, integer: true }, prefix);
  assertInRange({ name: "Meter count", min: 1, max: 1000, integer: true }, meters);
  assertInRange({ name: "Readings per meter", min: 0, integer: true }, perMeter);
  assertInRange({ name: "Mean gap between events (readings)", min: 2, max: 1e9 }, meanGap);
  assertInRange({ name: "Point anomaly rate", min: 0, max: 1 }, pointRate);
  for (const kind of options.kinds ?? []) {
    if (!(TEMPORAL_KINDS as readonly string[]).includes(kind)) {
      throw new RangeError(`Unknown temporal kind "${kind}"; known: ${TEMPORAL_KINDS.join(", ")}`);
    }
  }
  return { meters, perMeter, meanGap, pointRate, prefix };
}

/**
 * Simulate a fleet: every meter reports once per interval; readings come in
 * time order, meters interleaved in id order, so each meter's readings are
 * consecutive in its own stream. Throws RangeError on bad options.
 */
export function simulateFleet(options: FleetOptions = {}): Fleet {
  const { meters, perMeter, meanGap, pointRate, prefix } = checkOptions(options);
  const seed = options.seed ?? 42;
  const start = options.start ?? DEFAULT_START;
  const interval = options.intervalMs ?? 1000;
  const kinds = options.kinds ?? TEMPORAL_KINDS;
  const fleet = profiles(options.meterSeed ?? seed, meters);
  const readings: FleetReading[] = new Array(meters * perMeter);
  const events: FleetEvent[] = [];

  fleet.forEach((profile, m) => {
    // One stream per meter, so adding meters does not change the others.
    const rng = createRng((seed + Math.imul(m + 1, 0x9e3779b1)) >>> 0);
    const planned = planEvents(rng, perMeter, kinds, { meanGap, prefix });
    const ids = planned.map((e) => {
      const id = events.length;
      events.push({
        id,
        meter_id: profile.meter_id,
        kind: e.kind,
        signal: e.signal,
        first: e.first,
        length: e.length,
        start: new Date(start + e.first * interval).toISOString(),
        end: new Date(start + (e.first + e.length - 1) * interval).toISOString(),
        magnitude: Math.abs(e.size),
      });
      return id;
    });
    let next = 0;
    let previous: Values | null = null;
    const scale = profile.current.mean / 10;
    for (let i = 0; i < perMeter; i++) {
      const t = start + i * interval;
      const load = diurnalLoad(t);
      const values: Values = {
        voltage: gaussian(rng, profile.voltage.mean - 1.5 * load, profile.voltage.sd),
        current: gaussian(rng, profile.current.mean + 1.5 * scale * load, profile.current.sd),
        frequency: gaussian(rng, profile.frequency.mean, profile.frequency.sd),
      };
      while (next < planned.length && planned[next].first + planned[next].length <= i) next++;
      const e = next < planned.length && planned[next].first <= i ? planned[next] : null;
      let kind: TemporalKind | AnomalyKind | null = null;
      if (e) {
        applyEvent(e, i - e.first, values, previous);
        kind = e.kind;
      } else if (pointRate > 0 && rng() < pointRate) {
        const point = ANOMALY_KINDS[Math.floor(rng() * ANOMALY_KINDS.length)];
        injectPointAnomaly(point, rng, values);
        kind = point;
      }
      values.current = Math.max(0, values.current);
      const rounded = roundValues(values);
      // A stuck sensor repeats the last value it reported, exactly.
      if (e?.kind === "stuck_sensor" && previous) rounded[e.signal] = previous[e.signal];
      previous = rounded;
      readings[i * meters + m] = {
        ...rounded,
        meter_id: profile.meter_id,
        timestamp: new Date(t).toISOString(),
        anomaly: kind !== null,
        kind,
        event: e ? ids[next] : null,
      };
    }
  });
  return { readings, events, meters: fleet };
}

/**
 * The project's fleet: the meters (their operating points come from
 * `meterSeed`) the service's temporal model is trained on when it has none,
 * and the UI's fleet view streams, so each meter has a baseline of its own.
 */
export const PROJECT_FLEET = Object.freeze({ meters: 8, meterSeed: 42 });

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
 *
 * `realism` (off by default, so the UI's and the tests' fleets stay as they
 * were) adds what makes real feeders harder: wider meter-to-meter variation,
 * a slow wander of each meter's level, noise bursts that are normal operation
 * (a nearby load switching, not a fault), and events of more varied length
 * and depth. `REALISTIC_FLEET` is the fleet benchmark's setting.
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
import { formatTimestamp } from "../timestamp.ts";

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
  /** Volts the diurnal load moves the voltage by (current moves with it). Absent: 1.5 V. */
  load?: number;
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
  /** Harder, more realistic operation; every part is off when absent. */
  realism?: FleetRealism;
}

/** What makes a simulated fleet harder to judge (see {@link REALISTIC_FLEET}). */
export interface FleetRealism {
  /**
   * Wider spread between meters: voltage level 223 to 237 V, noise 1.5 to 4.5 V,
   * 3 to 25 A, frequency noise 20 to 70 mHz, diurnal swing 0.5 to 3 V.
   */
  variedMeters?: boolean;
  /** Amplitude (volts) of a slow wander of each meter's voltage level, periods of 2 to 8 hours. */
  slowDrift?: number;
  /**
   * Share of normal readings inside noise bursts: 5 to 40 readings whose
   * current noise is 2 to 4 times and voltage noise 1.2 to 1.6 times the
   * meter's usual. Labeled normal: a load switching nearby, not a fault.
   */
  burstShare?: number;
  /** Each event's magnitude is scaled by a factor drawn from [min, max]. */
  depth?: readonly [number, number];
  /** Each event's length is scaled by a factor drawn from [min, max] (at least 3 readings). */
  length?: readonly [number, number];
}

/** The fleet benchmark's realism: every difficulty of {@link FleetRealism} at a plausible size. */
export const REALISTIC_FLEET: Readonly<Required<FleetRealism>> = Object.freeze({
  variedMeters: true,
  slowDrift: 1.5,
  burstShare: 0.03,
  depth: Object.freeze([0.8, 1.5] as const),
  length: Object.freeze([0.5, 1.5] as const),
});

/** A stretch of normal readings with extra noise (a noise burst, not a fault). */
export interface FleetBurst {
  meter_id: string;
  /** Index of the burst's first reading in its meter's stream (0-based). */
  first: number;
  length: number;
}

/** A simulated fleet: readings in time order (meters interleaved), events and meter profiles. */
export interface Fleet {
  readings: FleetReading[];
  events: FleetEvent[];
  meters: MeterProfile[];
  /** Noise bursts (normal operation); empty unless `realism.burstShare` is set. */
  bursts: FleetBurst[];
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
function profiles(seed: number, meters: number, varied: boolean): MeterProfile[] {
  const rng = createRng((seed ^ 0x5bd1e995) >>> 0);
  if (varied) {
    return Array.from({ length: meters }, (_, m) => {
      const current = uniform(rng, 3, 25);
      return {
        meter_id: `meter-${String(m + 1).padStart(2, "0")}`,
        voltage: { mean: uniform(rng, 223, 237), sd: uniform(rng, 1.5, 4.5) },
        current: { mean: current, sd: current * uniform(rng, 0.08, 0.25) },
        frequency: { mean: 50, sd: uniform(rng, 0.02, 0.07) },
        load: uniform(rng, 0.5, 3),
      };
    });
  }
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

/** Event scaling of {@link FleetRealism}, with the stream it draws from. */
interface Scaling {
  rng: Rng;
  depth: readonly [number, number];
  length: readonly [number, number];
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
  gaps: { meanGap: number; prefix: number; scale: Scaling | null; amps: number },
) {
  const { meanGap, prefix, scale, amps } = gaps;
  const planned: Planned[] = [];
  if (kinds.length === 0) return planned;
  let at = prefix + integer(rng, Math.round(meanGap * 0.5), Math.round(meanGap * 1.5));
  while (true) {
    const kind = kinds[Math.floor(rng() * kinds.length)];
    const [lo, hi] = LENGTHS[kind];
    let length = integer(rng, lo, hi);
    // Scaling draws from its own stream, so fleets without it stay as they were.
    const depth = scale ? uniform(scale.rng, scale.depth[0], scale.depth[1]) : 1;
    if (scale) {
      length = Math.max(
        3,
        Math.round(length * uniform(scale.rng, scale.length[0], scale.length[1])),
      );
    }
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
        size = sign(rng) *
          (signal === "voltage" ? uniform(rng, 10, 20) : amps * uniform(rng, 4, 8));
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
        // Sampled twice a period, a sine is ±A |sin(phase)|: near phase 0 or π no reading
        // would move although the event is labeled ±A. At its peaks it oscillates ±A as stated
        // (from period 3 on, some reading is at least 0.7 A out whatever the phase). The phase
        // is drawn anyway, so the other events' draws stay as they were.
        if (period === 2) phase = Math.PI / 2;
        break;
      case "frequency_ramp":
        signal = "frequency";
        size = sign(rng) * uniform(rng, 0.15, 0.35);
        break;
    }
    planned.push({ kind, signal, first: at, length, size: size * depth, period, phase });
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
  const realism = options.realism ?? {};
  assertInRange({ name: "Slow drift (volts)", min: 0, max: 50 }, realism.slowDrift ?? 0);
  assertInRange({ name: "Noise burst share", min: 0, max: 0.5 }, realism.burstShare ?? 0);
  for (const [name, pair] of [["depth", realism.depth], ["length", realism.length]] as const) {
    if (pair === undefined) continue;
    const [lo, hi] = pair;
    assertInRange({ name: `Event ${name} scale minimum`, min: 0.05, max: 20 }, lo);
    assertInRange({ name: `Event ${name} scale maximum`, min: lo, max: 20 }, hi);
  }
  for (const kind of options.kinds ?? []) {
    if (!(TEMPORAL_KINDS as readonly string[]).includes(kind)) {
      throw new RangeError(`Unknown temporal kind "${kind}"; known: ${TEMPORAL_KINDS.join(", ")}`);
    }
  }
  return { meters, perMeter, meanGap, pointRate, prefix, realism };
}

/** Burst lengths in readings; mean 22.5, which sets how often one starts. */
const BURST_LENGTH: [number, number] = [5, 40];
const HOUR = 3_600_000;

/** A meter's slow level wander (volts) at time `t`: two slow waves of its own. */
function wander(rng: Rng, amplitude: number): (t: number) => number {
  if (amplitude === 0) return () => 0;
  const waves = [0, 1].map(() => ({
    period: uniform(rng, 2, 8) * HOUR,
    phase: uniform(rng, 0, 2 * Math.PI),
    size: amplitude * uniform(rng, 0.4, 0.8),
  }));
  return (t) =>
    waves.reduce((a, w) => a + w.size * Math.sin((2 * Math.PI * t) / w.period + w.phase), 0);
}

/**
 * Simulate a fleet: every meter reports once per interval; readings come in
 * time order, meters interleaved in id order, so each meter's readings are
 * consecutive in its own stream. Throws RangeError on bad options.
 */
export function simulateFleet(options: FleetOptions = {}): Fleet {
  const { meters, perMeter, meanGap, pointRate, prefix, realism } = checkOptions(options);
  const seed = options.seed ?? 42;
  const start = options.start ?? DEFAULT_START;
  const interval = options.intervalMs ?? 1000;
  const kinds = options.kinds ?? TEMPORAL_KINDS;
  const meterSeed = options.meterSeed ?? seed;
  const fleet = profiles(meterSeed, meters, realism.variedMeters === true);
  const readings: FleetReading[] = new Array(meters * perMeter);
  const events: FleetEvent[] = [];
  const bursts: FleetBurst[] = [];
  const burstShare = realism.burstShare ?? 0;
  // A burst starts at a normal reading with this probability, so bursts cover about burstShare.
  const burstStart = burstShare / ((BURST_LENGTH[0] + BURST_LENGTH[1]) / 2);

  fleet.forEach((profile, m) => {
    // One stream per meter, so adding meters does not change the others.
    const rng = createRng((seed + Math.imul(m + 1, 0x9e3779b1)) >>> 0);
    // Realism draws from streams of its own, so fleets without it stay exactly as they were.
    const extra = createRng((seed ^ 0x2545f491) + Math.imul(m + 1, 0x85ebca6b) >>> 0);
    const level = wander(
      createRng((meterSeed ^ 0x68e31da4) + Math.imul(m + 1, 0xc2b2ae35) >>> 0),
      realism.slowDrift ?? 0,
    );
    const scaling: Scaling | null = realism.depth || realism.length
      ? { rng: extra, depth: realism.depth ?? [1, 1], length: realism.length ?? [1, 1] }
      : null;
    // A current sensor's drift is a gain error, so with varied meters it grows with the current.
    const amps = realism.variedMeters ? profile.current.mean / 10 : 1;
    const planned = planEvents(rng, perMeter, kinds, { meanGap, prefix, scale: scaling, amps });
    const ids = planned.map((e) => {
      const id = events.length;
      events.push({
        id,
        meter_id: profile.meter_id,
        kind: e.kind,
        signal: e.signal,
        first: e.first,
        length: e.length,
        start: formatTimestamp(start + e.first * interval),
        end: formatTimestamp(start + (e.first + e.length - 1) * interval),
        magnitude: Math.abs(e.size),
      });
      return id;
    });
    let next = 0;
    let previous: Values | null = null;
    const scale = profile.current.mean / 10;
    const swing = profile.load ?? 1.5;
    let burstLeft = 0;
    let burstNoise = { voltage: 0, current: 0 };
    for (let i = 0; i < perMeter; i++) {
      const t = start + i * interval;
      const load = diurnalLoad(t);
      const drift = level(t);
      const values: Values = {
        voltage: gaussian(rng, profile.voltage.mean - swing * load + drift, profile.voltage.sd),
        current: gaussian(
          rng,
          profile.current.mean + swing * scale * load - 0.2 * scale * drift,
          profile.current.sd,
        ),
        frequency: gaussian(rng, profile.frequency.mean, profile.frequency.sd),
      };
      while (next < planned.length && planned[next].first + planned[next].length <= i) next++;
      const e = next < planned.length && planned[next].first <= i ? planned[next] : null;
      if (burstShare > 0) {
        if (burstLeft === 0 && !e && extra() < burstStart) {
          burstLeft = integer(extra, BURST_LENGTH[0], BURST_LENGTH[1]);
          bursts.push({ meter_id: profile.meter_id, first: i, length: burstLeft });
          // Extra noise so that the total sd is 2-4 times (current) and 1.2-1.6 times (voltage).
          const grow = (f: number) => Math.sqrt(f * f - 1);
          burstNoise = {
            voltage: profile.voltage.sd * grow(uniform(extra, 1.2, 1.6)),
            current: profile.current.sd * grow(uniform(extra, 2, 4)),
          };
        }
        if (burstLeft > 0) {
          values.voltage += gaussian(extra, 0, burstNoise.voltage);
          values.current += gaussian(extra, 0, burstNoise.current);
          burstLeft--;
        }
      }
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
        timestamp: formatTimestamp(t),
        anomaly: kind !== null,
        kind,
        event: e ? ids[next] : null,
      };
    }
  });
  // A burst cut short by the end of the stream keeps only its readings.
  for (const b of bursts) b.length = Math.min(b.length, perMeter - b.first);
  return { readings, events, meters: fleet, bursts };
}

/**
 * The project's fleet: the meters (their operating points come from
 * `meterSeed`) the service's temporal model is trained on when it has none,
 * and the UI's fleet view streams, so each meter has a baseline of its own.
 */
export const PROJECT_FLEET = Object.freeze({ meters: 8, meterSeed: 42 });

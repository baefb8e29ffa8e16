/**
 * An endless fleet stream for the UI, cut from the project's fleet simulator
 * (`lib/simulator/fleet.ts`): segments of a fixed length are simulated one
 * after another on one time line (same meters, next seed), and handed out a
 * few readings per meter at a time. Event ids are made unique over the whole
 * stream and each reading says whether it is its event's last, so events can
 * be counted as they end. The same seed gives the same stream however it is
 * cut into requests. Also keeps each meter's last readings: the `context` a
 * temporal model needs to score a batch as if the stream came in one piece.
 */
import { type FleetReading, PROJECT_FLEET, simulateFleet } from "../../lib/simulator/fleet.ts";
import { EXTREME_READING, type Reading } from "../../lib/simulator/simulator.ts";

/** What a reading of the UI's fleet stream carries: the simulator's truth plus stream-wide ids. */
export interface FeedReading extends Omit<FleetReading, "kind"> {
  /** Stream-wide event id, or null outside events. */
  event: number | null;
  /** True on the last reading of its event. */
  eventEnd: boolean;
  /** Kind as shown: a temporal kind, a point kind, or "injected extreme reading". */
  kind: FleetReading["kind"] | "injected";
}

/** Options for {@link FleetFeed}. */
export interface FleetFeedOptions {
  /** Seed of the stream; the page shows it so a run can be replayed. */
  seed: number;
  /** Seed of the meters' operating points. Default the project's fleet, which the backend trains on. */
  meterSeed?: number;
  /** Number of meters, 1 to 64. */
  meters: number;
  /** Simulated milliseconds between two readings of a meter. */
  intervalMs: number;
  /** Readings per meter simulated at once. Default {@link SEGMENT}. */
  segment?: number;
  /** Mean normal readings between two events of a meter (the simulator's `meanGap`). Default 300. */
  meanGap?: number;
  /** Time of the first reading (epoch ms). Default 2026-01-02T00:00:00Z. */
  start?: number;
}

/** Readings per meter simulated at once: events never cross a segment's end. */
export const SEGMENT = 1_000;

/** The fleet's shape on the UI's default stream. */
export const FLEET_STREAM_DEFAULTS = Object.freeze({
  meters: PROJECT_FLEET.meters,
  // A reading every 10 s: 4 per request every 0.5 s run 80 times real time (2.7 h in 2 min).
  intervalMs: 10_000,
  meanGap: 300,
});

/** The endless stream. */
export class FleetFeed {
  readonly options: Readonly<Required<FleetFeedOptions>>;
  #segment = 0;
  #buffer: FeedReading[] = [];
  #at = 0;
  #eventBase = 0;
  #nextTime: number;

  /** A stream that simulates nothing until asked; throws RangeError on bad options. */
  constructor(options: FleetFeedOptions) {
    if (!Number.isInteger(options.meters) || options.meters < 1 || options.meters > 64) {
      throw new RangeError(`Meter count must be an integer from 1 to 64, got ${options.meters}`);
    }
    this.options = {
      segment: SEGMENT,
      meanGap: FLEET_STREAM_DEFAULTS.meanGap,
      meterSeed: PROJECT_FLEET.meterSeed,
      start: Date.UTC(2026, 0, 2),
      ...options,
    };
    this.#nextTime = this.options.start;
  }

  /** Meter ids in display order. */
  get meterIds(): string[] {
    return Array.from(
      { length: this.options.meters },
      (_, m) => `meter-${String(m + 1).padStart(2, "0")}`,
    );
  }

  #simulate(): void {
    const { seed, meterSeed, meters, intervalMs, segment, meanGap } = this.options;
    const fleet = simulateFleet({
      seed: (seed + this.#segment) >>> 0,
      meterSeed,
      meters,
      readingsPerMeter: segment,
      intervalMs,
      meanGap,
      start: this.#nextTime,
    });
    const lastOf = new Map(fleet.events.map((e) => [e.id, e.first + e.length - 1]));
    const base = this.#eventBase;
    this.#buffer = fleet.readings.map((r, i) => {
      const index = Math.floor(i / meters);
      return {
        ...r,
        event: r.event === null ? null : base + r.event,
        eventEnd: r.event !== null && lastOf.get(r.event) === index,
      };
    });
    this.#eventBase += fleet.events.length;
    this.#at = 0;
    this.#segment++;
    this.#nextTime += segment * intervalMs;
  }

  /** The next `perMeter` readings of every meter, in time order (meters interleaved). */
  next(perMeter: number): FeedReading[] {
    const out: FeedReading[] = [];
    const n = perMeter * this.options.meters;
    while (out.length < n) {
      if (this.#at >= this.#buffer.length) this.#simulate();
      const take = Math.min(n - out.length, this.#buffer.length - this.#at);
      for (let k = 0; k < take; k++) out.push(this.#buffer[this.#at + k]);
      this.#at += take;
    }
    return out;
  }
}

/** The workshop's extreme reading (275 V, 28 A, 50.7 Hz) as meter `meterId`'s reading at `timestamp`. */
export function extremeReading(meterId: string, timestamp: string): FeedReading {
  return {
    ...EXTREME_READING,
    meter_id: meterId,
    timestamp,
    anomaly: true,
    kind: "injected",
    event: null,
    eventEnd: false,
  };
}

/** What `/predict` receives for a feed reading: the features, the meter and the time. */
export function toWire(r: FeedReading): Reading & { meter_id: string; timestamp: string } {
  return {
    voltage: r.voltage,
    current: r.current,
    frequency: r.frequency,
    meter_id: r.meter_id,
    timestamp: r.timestamp,
  };
}

/** Each meter's last readings, kept to send as `context` (a temporal model's window minus one). */
export class MeterContext {
  #size: number;
  readonly #last = new Map<string, FeedReading[]>();

  /** Keep `size` readings per meter (0 keeps none). */
  constructor(size: number) {
    this.#size = Math.max(0, Math.floor(size));
  }

  /** Readings kept per meter. */
  get size(): number {
    return this.#size;
  }

  /** Keep another number of readings per meter (a model with another window was loaded). */
  resize(size: number): void {
    this.#size = Math.max(0, Math.floor(size));
    if (this.#size === 0) this.#last.clear();
    for (const [id, list] of this.#last) this.#last.set(id, list.slice(-this.#size));
  }

  /** The context for the next batch: every meter's kept readings, each meter's in time order. */
  context(): FeedReading[] {
    return [...this.#last.values()].flat();
  }

  /** Remember readings just sent (in time order per meter). */
  push(readings: readonly FeedReading[]): void {
    if (this.#size === 0) return;
    for (const r of readings) {
      const list = this.#last.get(r.meter_id);
      if (list) {
        list.push(r);
        if (list.length > this.#size) list.shift();
      } else this.#last.set(r.meter_id, [r]);
    }
  }

  /** Forget everything (the stream was reset). */
  clear(): void {
    this.#last.clear();
  }
}

/**
 * The live stream's logic, free of Preact and the DOM so it is unit-tested:
 * simulate a batch, score it through the proxy, compare each verdict with
 * the simulator's label, keep the counters, the latency window and the
 * recent anomalies, and run the fixed-rate streaming loop. The
 * `LiveMonitor` island renders what it reports through a {@link StreamView}.
 */
import { StreamLoop } from "./stream_loop.ts";
import {
  EXTREME_READING,
  type LabeledReading,
  Simulator,
  toReading,
} from "../../lib/simulator/simulator.ts";
import type { Reading, Reason } from "../../lib/contract.ts";
import { formatTimestamp, parseTimestamp } from "../../lib/timestamp.ts";
import type { Outcome, PredictResponse, Problem } from "./api.ts";
import {
  addVerdict,
  type Confusion,
  emptyConfusion,
  type LatencySummary,
  RollingWindow,
  summarizeLatency,
} from "./stats.ts";

/** One flagged reading. */
export interface AnomalyRow {
  /** Reading number on the charts' x axis. */
  seq: number;
  /** ISO-8601 time of the reading. */
  time: string;
  voltage: number;
  current: number;
  frequency: number;
  score: number;
  /** The simulator's ground truth for this reading. */
  labelled: boolean;
  /** The simulator's anomaly kind, or a note like "extreme" for injected readings. */
  kind: string | null;
  reasons: Reason[];
  servedBy: string;
  /** The verdict's `prediction_id`, which a label names; absent from backends that predate ids. */
  predictionId?: string;
}

/** The charted signals, in display order. */
export const SIGNAL_NAMES = ["voltage", "current", "frequency"] as const;

/** One of {@link SIGNAL_NAMES}. */
export type SignalName = typeof SIGNAL_NAMES[number];

/** A chart point: sequence number and value. */
export interface Point {
  x: number;
  y: number;
}

/** Points to append to one signal's chart. */
export interface SignalPoints {
  line: Point[];
  /** Readings the model flagged. */
  flagged: Point[];
  /** Readings labelled anomalous that the model did not flag. */
  missed: Point[];
}

/** What the counters show. */
export interface Counters {
  points: number;
  requests: number;
  errors: number;
  flagged: number;
  labelled: number;
  confusion: Confusion;
  latency: LatencySummary;
  servedBy: string | null;
}

/** The controls' current values, read before every request. */
export interface StreamSettings {
  batchSize: number;
  /** Milliseconds between requests while streaming. */
  intervalMs: number;
  newConnection: boolean;
}

/** Where the stream reports; the island turns each call into state or chart updates. */
export interface StreamView {
  counters(counters: Counters): void;
  /** The most recent anomalies, newest first. */
  rows(rows: AnomalyRow[]): void;
  problem(problem: Problem | null): void;
  status(text: string): void;
  streaming(on: boolean): void;
  /** New points per signal, in order. */
  points(points: Record<SignalName, SignalPoints>): void;
  /** Everything was reset: clear the charts. */
  cleared(): void;
}

/** Scores readings (the page's `predict`; a fake in tests). */
export type Predict = (
  readings: Reading[],
  options: { newConnection?: boolean | undefined },
) => Promise<Outcome<PredictResponse>>;

/** What a {@link LiveStream} is built from. */
export interface LiveStreamOptions {
  predict: Predict;
  settings: () => StreamSettings;
  view: StreamView;
  /** Rows kept in the anomalies table. */
  tableRows: number;
  /** Share of simulated readings that are anomalous. */
  anomalyRate: number;
  /** Told whether each request reached the backend (the status badge re-checks). */
  onBackendOutcome?: (ok: boolean) => void;
  /** Told which instance answered each request. */
  onServed?: (counts: Record<string, number>) => void;
  /** Simulator seed; random by default. */
  seed?: number;
  /** Clock and timer of the streaming loop (tests pass a fake). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Requests a stream keeps in flight at most. */
export const MAX_IN_FLIGHT = 2;
/** Pause after a failed request before the stream sends again. */
export const RETRY_MS = 2_000;
/** Requests the latency figures cover. */
export const LATENCY_WINDOW = 200;

/** Counters of a stream that has sent nothing. */
export function zeroCounters(): Counters {
  return {
    points: 0,
    requests: 0,
    errors: 0,
    flagged: 0,
    labelled: 0,
    confusion: emptyConfusion(),
    latency: summarizeLatency([]),
    servedBy: null,
  };
}

const emptyPoints = (): Record<SignalName, SignalPoints> => ({
  voltage: { line: [], flagged: [], missed: [] },
  current: { line: [], flagged: [], missed: [] },
  frequency: { line: [], flagged: [], missed: [] },
});

/** The stream: one per island. */
export class LiveStream extends StreamLoop {
  readonly #o: LiveStreamOptions;
  #simulator: Simulator;
  #lastTime = Date.now();
  #seq = 0;
  #totals = zeroCounters();
  #latencies = new RollingWindow(LATENCY_WINDOW);
  #rows: AnomalyRow[] = [];

  /** A stream reporting to `options.view`; nothing is sent until asked. */
  constructor(options: LiveStreamOptions) {
    super({
      view: options.view,
      intervalMs: () => options.settings().intervalMs,
      maxInFlight: MAX_IN_FLIGHT,
      retryMs: RETRY_MS,
      ...(options.now ? { now: options.now } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    this.#o = options;
    this.#simulator = this.#newSimulator(options.anomalyRate, options.seed);
  }

  #newSimulator(anomalyRate: number, seed?: number): Simulator {
    return new Simulator({
      seed: seed ?? Math.floor(Math.random() * 2 ** 32),
      anomalyRate,
      start: this.#lastTime,
    });
  }

  /** Requests the latency figures currently cover. */
  get latencyCount(): number {
    return this.#latencies.values().length;
  }

  /** Simulate with another anomaly rate from the next batch on (the time line continues). */
  setAnomalyRate(rate: number): void {
    this.#simulator = this.#newSimulator(rate);
  }

  /** Count one answered (or failed) request for `batch`; returns whether it succeeded. */
  record(batch: LabeledReading[], outcome: Outcome<PredictResponse>, kind?: string): boolean {
    const t = this.#totals;
    const view = this.#o.view;
    // 502/504 mean the backend could not be reached: tell the status badge.
    this.#o.onBackendOutcome?.(
      outcome.ok || (outcome.problem.status !== 502 && outcome.problem.status !== 504),
    );
    if (!outcome.ok) {
      t.errors++;
      view.problem(outcome.problem);
      view.counters({ ...t });
      return false;
    }
    view.problem(null);
    const data = outcome.data;
    this.#latencies.push(outcome.latencyMs);
    this.#o.onServed?.({ [data.served_by]: 1 });
    const points = emptyPoints();
    const newRows: AnomalyRow[] = [];
    batch.forEach((reading, i) => {
      const p = data.predictions[i];
      if (!p) return;
      const x = ++this.#seq;
      for (const name of SIGNAL_NAMES) {
        const point = { x, y: reading[name] };
        points[name].line.push(point);
        if (p.anomaly) points[name].flagged.push(point);
        else if (reading.anomaly) points[name].missed.push(point);
      }
      addVerdict(t.confusion, { flagged: p.anomaly, truth: reading.anomaly });
      if (reading.anomaly) t.labelled++;
      if (p.anomaly) {
        t.flagged++;
        newRows.push({
          seq: x,
          time: reading.timestamp,
          voltage: reading.voltage,
          current: reading.current,
          frequency: reading.frequency,
          score: p.score,
          labelled: reading.anomaly,
          kind: kind ?? reading.kind,
          reasons: p.reasons ?? [],
          servedBy: data.served_by,
          ...(typeof p.prediction_id === "string" ? { predictionId: p.prediction_id } : {}),
        });
      }
    });
    view.points(points);
    t.points += batch.length;
    t.requests++;
    t.servedBy = data.served_by;
    t.latency = summarizeLatency(this.#latencies.values());
    view.counters({ ...t, confusion: { ...t.confusion } });
    if (newRows.length > 0) {
      this.#rows = [...newRows.reverse(), ...this.#rows].slice(0, this.#o.tableRows);
      view.rows(this.#rows);
    }
    return true;
  }

  /** Simulate and score one batch of the configured size; returns whether it succeeded. */
  async sendBatch(): Promise<boolean> {
    const { batchSize, newConnection } = this.#o.settings();
    const batch = this.#simulator.batch(batchSize);
    this.#lastTime = parseTimestamp(batch[batch.length - 1].timestamp) + 1000;
    const outcome = await this.#o.predict(batch.map(toReading), { newConnection });
    return this.record(batch, outcome);
  }

  /** "Generate Batch": one batch, with a status line. */
  async generate(): Promise<void> {
    const n = this.#o.settings().batchSize;
    const ok = await this.sendBatch();
    this.#o.view.status(
      ok ? `Scored one batch of ${n} readings.` : `Sending a batch of ${n} readings failed.`,
    );
  }

  /** "Inject Extreme Reading": score 275 V, 28 A, 50.7 Hz and say whether it was flagged. */
  async inject(): Promise<void> {
    const reading: LabeledReading = {
      ...EXTREME_READING,
      timestamp: formatTimestamp(Date.now()),
      anomaly: true,
      kind: null,
    };
    const outcome = await this.#o.predict([toReading(reading)], {
      newConnection: this.#o.settings().newConnection,
    });
    const flagged = outcome.ok && outcome.data.predictions[0]?.anomaly;
    this.record([reading], outcome, "injected extreme reading");
    this.#o.view.status(
      outcome.ok
        ? `Injected 275 V, 28 A, 50.7 Hz: ${flagged ? "flagged as an anomaly" : "not flagged"}.`
        : "Injecting the extreme reading failed.",
    );
  }

  /** Clear counters, latency, table and charts. */
  reset(): void {
    this.#totals = zeroCounters();
    this.#latencies = new RollingWindow(LATENCY_WINDOW);
    this.#seq = 0;
    this.#rows = [];
    const view = this.#o.view;
    view.cleared();
    view.counters(zeroCounters());
    view.rows([]);
    view.status("Counters, charts and table cleared.");
  }

  /** A tick: one batch (the loop overlaps up to MAX_IN_FLIGHT and pauses RETRY_MS after a failure). */
  protected tick(): Promise<boolean> {
    return this.sendBatch();
  }
}

/**
 * Redraws at most once per `everyMs`, in an animation frame: at 10 responses
 * a second, drawing each one would keep the main thread busy and delay the
 * next request. `schedule()` asks for a draw; several asks make one draw.
 */
export class DrawScheduler {
  readonly #draw: () => void;
  readonly #everyMs: number;
  readonly #frame: (fn: () => void) => void;
  readonly #now: () => number;
  #pending: ReturnType<typeof setTimeout> | null = null;
  #lastDraw = -Infinity;

  /** `frame` defaults to `requestAnimationFrame`; tests pass a direct call. */
  constructor(
    draw: () => void,
    everyMs: number,
    options: { frame?: (fn: () => void) => void; now?: () => number } = {},
  ) {
    this.#draw = draw;
    this.#everyMs = everyMs;
    this.#frame = options.frame ?? ((fn) => requestAnimationFrame(() => fn()));
    this.#now = options.now ?? (() => performance.now());
  }

  /** Ask for a draw; one happens no sooner than `everyMs` after the last. */
  schedule(): void {
    if (this.#pending !== null) return;
    const wait = Math.max(0, this.#lastDraw + this.#everyMs - this.#now());
    this.#pending = setTimeout(() =>
      this.#frame(() => {
        this.#pending = null;
        this.#lastDraw = this.#now();
        this.#draw();
      }), wait);
  }

  /** Drop a pending draw. */
  cancel(): void {
    if (this.#pending !== null) clearTimeout(this.#pending);
    this.#pending = null;
  }
}

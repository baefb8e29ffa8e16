/**
 * The fleet stream's logic, free of Preact and the DOM so it is unit-tested:
 * take the next readings of every meter from the feed, send them to
 * `/predict` with each meter's last readings as `context` (as many as the
 * served temporal model's window needs, read from `/model`), count each
 * verdict against its label, and run the fixed-rate loop. One request is in
 * flight at a time, so every meter's readings are scored in order; a tick
 * that finds the last request still open is skipped, never queued. The
 * `FleetMonitor` island renders what it reports through a {@link FleetView}.
 */
import type { Outcome, PredictResponse, Problem } from "./api.ts";
import type { DetectorInfo, Reading } from "../../lib/contract.ts";
import { extremeReading, type FeedReading, FleetFeed, MeterContext, toWire } from "./fleet_feed.ts";
import { emptyTally, FleetScorer, type FleetTally } from "./fleet_tally.ts";
import { MeterBoard, type MeterView } from "./meter_board.ts";
import { StreamLoop } from "./stream_loop.ts";

/** The controls' current values, read before every request. */
export interface FleetSettings {
  /** Readings per meter in each request: how fast the simulated clock runs. */
  perMeter: number;
  /** Milliseconds between requests while streaming. */
  intervalMs: number;
}

/** The served model as far as the fleet view cares. */
export interface ServedModel {
  name: string;
  version: string;
  /** Readings per window for a temporal model, else 1 (no context needed). */
  window: number;
}

/** Where the stream reports. */
export interface FleetView {
  tally(tally: FleetTally): void;
  meters(meters: MeterView[]): void;
  problem(problem: Problem | null): void;
  status(text: string): void;
  streaming(on: boolean): void;
  model(model: ServedModel | null): void;
}

/** Scores readings with context (the page's `predict`; a fake in tests). */
export type PredictWithContext = (
  readings: Reading[],
  context: Reading[],
) => Promise<Outcome<PredictResponse>>;

/** Reads the served model's metadata (`/api/model`; a fake in tests). */
export type ModelInfoSource = () => Promise<Outcome<DetectorInfo>>;

/** What a {@link FleetStream} is built from. */
export interface FleetStreamOptions {
  feed: FleetFeed;
  predict: PredictWithContext;
  modelInfo: ModelInfoSource;
  settings: () => FleetSettings;
  view: FleetView;
  /** Points kept per meter for the sparklines. */
  keep: number;
  onBackendOutcome?: (ok: boolean) => void;
  onServed?: (counts: Record<string, number>) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Pause after a failed request before the stream sends again. */
export const FLEET_RETRY_MS = 2_000;

/** The served model's name, version and window from `/model`'s answer. */
export function servedModel(info: DetectorInfo): ServedModel {
  return {
    name: info.name,
    version: info.version,
    window: info.name === "temporal_window" ? info.config.window : 1,
  };
}

/** The fleet stream: one per island. */
export class FleetStream extends StreamLoop {
  readonly #o: FleetStreamOptions;
  readonly #context = new MeterContext(0);
  #scorer = new FleetScorer();
  readonly #board: MeterBoard;
  #model: ServedModel | null = null;
  #lastTime: string;
  #busy = false;

  /** A stream reporting to `options.view`; nothing is sent until asked. */
  constructor(options: FleetStreamOptions) {
    super({
      view: options.view,
      intervalMs: () => options.settings().intervalMs,
      maxInFlight: 1,
      retryMs: FLEET_RETRY_MS,
      ...(options.now ? { now: options.now } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    this.#o = options;
    this.#board = new MeterBoard(options.feed.meterIds, options.keep);
    this.#lastTime = new Date(options.feed.options.start).toISOString();
  }

  /** Whether a request is open. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Meter ids in display order. */
  get meterIds(): string[] {
    return this.#o.feed.meterIds;
  }

  /** Every meter's current view (what the last report said). */
  views(): MeterView[] {
    return this.#board.views();
  }

  /** The served model learned from `/model`, or null before. */
  get model(): ServedModel | null {
    return this.#model;
  }

  /** Learn the served model (and so the context length); false when `/model` failed. */
  async refreshModel(): Promise<boolean> {
    const out = await this.#o.modelInfo();
    if (!out.ok) {
      this.#o.view.problem(out.problem);
      return false;
    }
    this.#model = servedModel(out.data);
    this.#context.resize(this.#model.window - 1);
    this.#o.view.model(this.#model);
    return true;
  }

  /** Score `batch` (with the current context) and count it; returns whether it succeeded. */
  async #send(batch: FeedReading[]): Promise<boolean> {
    if (this.#model === null && !(await this.refreshModel())) return false;
    const context = this.#context.context().map(toWire);
    // The batch becomes context for the next one whether or not this one is answered:
    // the stream moved on, and a later window must hold the readings before it.
    this.#context.push(batch);
    const last = batch.at(-1);
    if (last) this.#lastTime = last.timestamp;
    const outcome = await this.#o.predict(batch.map(toWire), context);
    return this.#record(batch, outcome);
  }

  #record(batch: FeedReading[], outcome: Outcome<PredictResponse>): boolean {
    const view = this.#o.view;
    this.#o.onBackendOutcome?.(
      outcome.ok || (outcome.problem.status !== 502 && outcome.problem.status !== 504),
    );
    if (!outcome.ok) {
      view.problem(outcome.problem);
      return false;
    }
    view.problem(null);
    const data = outcome.data;
    this.#o.onServed?.({ [data.served_by]: 1 });
    batch.forEach((r, i) => {
      const p = data.predictions[i];
      if (!p) return;
      this.#scorer.add(r, p.anomaly);
      this.#board.add(r, p.anomaly);
    });
    view.tally(this.#scorer.tally());
    view.meters(this.#board.views());
    if (this.#model && data.model_version !== this.#model.version) {
      // Another model serves now (a promotion, a restart): its window may differ.
      void this.refreshModel();
    }
    return true;
  }

  /** Score the next readings of every meter once; returns whether it succeeded. */
  async step(): Promise<boolean> {
    if (this.#busy) return false;
    this.#busy = true;
    try {
      return await this.#send(this.#o.feed.next(this.#o.settings().perMeter));
    } finally {
      this.#busy = false;
    }
  }

  /** Score the workshop's extreme reading as `meterId`'s next reading and say whether it was flagged. */
  async inject(meterId: string): Promise<void> {
    if (this.#busy) {
      this.#o.view.status("A request is still open; inject again in a moment.");
      return;
    }
    this.#busy = true;
    // One millisecond after the meter's last reading keeps its stream in time order.
    const at = new Date(Date.parse(this.#lastTime) + 1).toISOString();
    const reading = extremeReading(meterId, at);
    let flagged = false;
    let ok = false;
    try {
      if (this.#model === null && !(await this.refreshModel())) return;
      const context = this.#context.context().map(toWire);
      this.#context.push([reading]);
      this.#lastTime = at;
      const outcome = await this.#o.predict([toWire(reading)], context);
      ok = this.#record([reading], outcome);
      flagged = outcome.ok && (outcome.data.predictions[0]?.anomaly ?? false);
    } finally {
      this.#busy = false;
    }
    this.#o.view.status(
      ok
        ? `Injected 275 V, 28 A, 50.7 Hz on ${meterId}: ${
          flagged ? "flagged as an anomaly" : "not flagged"
        }.`
        : `Injecting the extreme reading on ${meterId} failed.`,
    );
  }

  /** Clear counts and sparklines; the simulated stream goes on where it was. */
  reset(): void {
    this.#scorer = new FleetScorer();
    this.#board.clear();
    this.#o.view.tally(emptyTally());
    this.#o.view.meters(this.#board.views());
    this.#o.view.status("Counters and meters cleared.");
  }

  /** A tick: one request unless one is open (a manual step counts). */
  protected tick(): Promise<boolean> {
    return this.step();
  }

  protected override ready(): boolean {
    return !this.#busy;
  }
}

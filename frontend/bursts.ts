/**
 * Server-side bursts: N requests at a given concurrency, repeated for some
 * cycles with a pause between them, sent from the UI server to the backend
 * so the browser is not the bottleneck. Readings come from the shared
 * simulator, so a burst's precision and recall are measured against labels.
 * The page polls a burst's status for its progress bar.
 */
import { Simulator, toReading } from "../lib/simulator/simulator.ts";
import type { Prediction } from "../lib/contract.ts";
import { describeKind, describeRange, inRange, isKind, type Range } from "../lib/ranges.ts";
import { addVerdict, emptyConfusion, summarizeLatency } from "./lib/stats.ts";
import {
  BURST_BUDGET,
  BURST_LIMITS,
  type BurstSpec,
  type BurstState,
  type BurstStatus,
} from "./lib/burst_spec.ts";
import { UiError } from "./problem.ts";
import { type Upstream, UpstreamError } from "./upstream.ts";

export { BURST_BUDGET, BURST_LIMITS, type BurstSpec, type BurstState, type BurstStatus };

/**
 * Burst requests in flight on one UI server, summed over running bursts. The
 * UI's memory grows with the request rate more than with body sizes (V8 and
 * the HTTP client keep more as more requests overlap): two bursts of 64 at
 * once peaked at 244 MB RSS against an instant backend, one of 64 at 185 MB.
 */
export const MAX_BURST_CONCURRENCY = 64;

/** Largest `POST /api/bursts` body: a spec is about 150 bytes. */
export const BURST_MAX_BODY_BYTES = 4_096;

/** A burst request that does not fit {@link BURST_LIMITS}; `errors` names each field (422). */
export class BurstSpecError extends UiError {
  readonly errors: { path: string; message: string }[];
  /** One entry per bad field. */
  constructor(errors: { path: string; message: string }[]) {
    super("validation", errors.map((e) => e.message).join("; "), { extra: { errors } });
    this.name = "BurstSpecError";
    this.errors = errors;
  }
}

/** Validate a JSON body into a {@link BurstSpec}; throws {@link BurstSpecError}. */
export function parseBurstSpec(body: unknown): BurstSpec {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BurstSpecError([{ path: "", message: "Body must be a JSON object" }]);
  }
  const record = body as Record<string, unknown>;
  const errors: { path: string; message: string }[] = [];
  const out: Partial<BurstSpec> = {};
  for (const [name, [min, max]] of Object.entries(BURST_LIMITS)) {
    const key = name as keyof typeof BURST_LIMITS;
    const value = record[key];
    const range: Range = { min, max, integer: key !== "anomalyRate" };
    if (!isKind(range, value)) {
      errors.push({
        path: key,
        message: `${key} must be ${describeKind(range)}, got ${JSON.stringify(value) ?? "nothing"}`,
      });
    } else if (!inRange(range, value)) {
      errors.push({ path: key, message: `${key} must be ${describeRange(range)}, got ${value}` });
    } else {
      out[key] = value;
    }
  }
  const fresh = record.newConnection ?? false;
  if (typeof fresh !== "boolean") {
    errors.push({
      path: "newConnection",
      message: `newConnection must be true or false, got ${JSON.stringify(fresh)}`,
    });
  } else {
    out.newConnection = fresh;
  }
  if (errors.length === 0) {
    const spec = out as BurstSpec;
    const requests = spec.requests * spec.cycles;
    if (requests > BURST_BUDGET.requestsPerBurst) {
      errors.push({
        path: "requests",
        message:
          `requests × cycles must be at most ${BURST_BUDGET.requestsPerBurst}, got ${spec.requests} × ${spec.cycles} = ${requests}`,
      });
    } else if (requests * spec.batchSize > BURST_BUDGET.readingsPerBurst) {
      errors.push({
        path: "batchSize",
        message:
          `requests × cycles × batchSize must be at most ${BURST_BUDGET.readingsPerBurst} readings, got ${requests} × ${spec.batchSize} = ${
            requests * spec.batchSize
          }`,
      });
    }
    const inFlight = Math.min(spec.concurrency, spec.requests) * spec.batchSize;
    if (inFlight > BURST_BUDGET.readingsInFlight) {
      errors.push({
        path: "concurrency",
        message:
          `concurrency × batchSize must be at most ${BURST_BUDGET.readingsInFlight} readings in flight, got ${spec.concurrency} × ${spec.batchSize} = ${
            spec.concurrency * spec.batchSize
          }`,
      });
    }
  }
  if (errors.length > 0) throw new BurstSpecError(errors);
  return out as BurstSpec;
}

interface Burst {
  status: BurstStatus;
  latencies: number[];
  controller: AbortController;
  started: number;
  done: Promise<void>;
}

/** Options for {@link BurstRunner}. */
export interface BurstRunnerOptions {
  /** Bursts allowed to run at once. Default 2. */
  maxRunning?: number;
  /** Finished bursts kept for status queries. Default 20. */
  keep?: number;
  /** Burst requests in flight at once over all running bursts. Default {@link MAX_BURST_CONCURRENCY}. */
  maxConcurrency?: number;
}

/** Thrown by {@link BurstRunner.start} when too many bursts run (429). */
export class TooManyBurstsError extends UiError {
  /** `max` is the number of bursts allowed to run at once. */
  constructor(max: number) {
    super(
      "too-many-bursts",
      `${max} bursts are already running; wait for one to finish or cancel it`,
      {
        headers: { "retry-after": "5" },
      },
    );
    this.name = "TooManyBurstsError";
  }
}

/** Thrown by {@link BurstRunner.start} when a burst would pass the server's concurrency (429). */
export class BurstConcurrencyError extends UiError {
  /** `limit` is the server's total, `inUse` what running bursts hold, `asked` the new burst's. */
  constructor(limit: number, inUse: number, asked: number) {
    super(
      "too-many-bursts",
      `This UI server runs at most ${limit} burst requests at once; running bursts use ${inUse}, so a concurrency of ${asked} does not fit. Wait, cancel a burst or lower the concurrency`,
      { headers: { "retry-after": "5" }, extra: { limit, inUse } },
    );
    this.name = "BurstConcurrencyError";
  }
}

/** Thrown by {@link BurstRunner.start} once {@link BurstRunner.close} has been called (503). */
export class BurstsClosedError extends UiError {
  constructor() {
    super("shutting-down", "The UI server is shutting down and starts no new bursts", {
      headers: { "retry-after": "5" },
    });
    this.name = "BurstsClosedError";
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });

/** Runs bursts against the backend through an {@link Upstream}. */
export class BurstRunner {
  readonly #upstream: Upstream;
  readonly #bursts = new Map<string, Burst>();
  readonly #maxRunning: number;
  readonly #keep: number;
  readonly #maxConcurrency: number;
  #closed = false;

  /** Bursts go to `upstream`; see {@link BurstRunnerOptions} for limits. */
  constructor(upstream: Upstream, options: BurstRunnerOptions = {}) {
    this.#upstream = upstream;
    this.#maxRunning = options.maxRunning ?? 2;
    this.#keep = options.keep ?? 20;
    this.#maxConcurrency = options.maxConcurrency ?? MAX_BURST_CONCURRENCY;
  }

  /** Start a burst; returns its first status. Throws {@link TooManyBurstsError}. */
  start(spec: BurstSpec): BurstStatus {
    if (this.#closed) throw new BurstsClosedError();
    const running = [...this.#bursts.values()].filter((b) => b.status.state === "running");
    if (running.length >= this.#maxRunning) throw new TooManyBurstsError(this.#maxRunning);
    // A burst never has more requests in flight than it has requests per cycle.
    const lanes = (s: BurstSpec) => Math.min(s.concurrency, s.requests);
    const inUse = running.reduce((n, b) => n + lanes(b.status.spec), 0);
    if (inUse + lanes(spec) > this.#maxConcurrency) {
      throw new BurstConcurrencyError(this.#maxConcurrency, inUse, lanes(spec));
    }
    // Unguessable (122 random bits): knowing the id is what lets a client read or cancel a burst.
    const id = crypto.randomUUID();
    const status: BurstStatus = {
      id,
      state: "running",
      spec,
      total: spec.requests * spec.cycles,
      sent: 0,
      completed: 0,
      ok: 0,
      failed: 0,
      cancelled: 0,
      cycle: 0,
      servedBy: {},
      failures: {},
      latencyMs: summarizeLatency([]),
      readings: 0,
      flagged: 0,
      confusion: emptyConfusion(),
      elapsedMs: 0,
      lastError: null,
    };
    const burst: Burst = {
      status,
      latencies: [],
      controller: new AbortController(),
      started: performance.now(),
      done: Promise.resolve(),
    };
    this.#bursts.set(id, burst);
    burst.done = this.#run(burst);
    this.#prune();
    return this.get(id)!;
  }

  /** A snapshot of a burst's status, or null for an unknown id. */
  get(id: string): BurstStatus | null {
    const burst = this.#bursts.get(id);
    if (!burst) return null;
    const s = burst.status;
    if (s.state === "running") {
      s.elapsedMs = performance.now() - burst.started;
      s.latencyMs = summarizeLatency(burst.latencies);
    }
    return structuredClone(s);
  }

  /** Stop a running burst (in-flight requests finish); returns false for an unknown id. */
  cancel(id: string): boolean {
    const burst = this.#bursts.get(id);
    if (!burst) return false;
    burst.controller.abort();
    return true;
  }

  /** Resolve when the burst has finished (tests and shutdown). */
  async settled(id: string): Promise<void> {
    await this.#bursts.get(id)?.done;
  }

  /** Refuse new bursts, cancel every running one and wait for them. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const b of this.#bursts.values()) b.controller.abort();
    await Promise.all([...this.#bursts.values()].map((b) => b.done));
  }

  #prune(): void {
    const finished = [...this.#bursts.entries()].filter(([, b]) => b.status.state !== "running");
    for (const [id] of finished.slice(0, Math.max(0, finished.length - this.#keep))) {
      this.#bursts.delete(id);
    }
  }

  async #run(burst: Burst): Promise<void> {
    const { spec } = burst.status;
    const signal = burst.controller.signal;
    const simulator = new Simulator({
      seed: crypto.getRandomValues(new Uint32Array(1))[0],
      anomalyRate: spec.anomalyRate,
      start: Date.now(),
    });
    for (let cycle = 1; cycle <= spec.cycles && !signal.aborted; cycle++) {
      burst.status.cycle = cycle;
      let next = 0;
      const worker = async () => {
        while (!signal.aborted && next < spec.requests) {
          next++;
          await this.#one(burst, simulator, signal);
        }
      };
      await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.requests) }, worker));
      if (cycle < spec.cycles && spec.pauseMs > 0) await sleep(spec.pauseMs, signal);
    }
    burst.status.state = signal.aborted ? "cancelled" : "done";
    burst.status.elapsedMs = performance.now() - burst.started;
    // A finished burst keeps its summary only, so retained bursts hold no per-request data.
    burst.status.latencyMs = summarizeLatency(burst.latencies);
    burst.latencies = [];
    this.#prune();
  }

  async #one(burst: Burst, simulator: Simulator, signal: AbortSignal): Promise<void> {
    const s = burst.status;
    const labeled = simulator.batch(s.spec.batchSize);
    const body = new TextEncoder().encode(JSON.stringify({ readings: labeled.map(toReading) }));
    s.sent++;
    try {
      const res = await this.#upstream.request({
        method: "POST",
        path: "/predict",
        headers: { "content-type": "application/json" },
        body,
        newConnection: s.spec.newConnection,
        signal,
      });
      burst.latencies.push(res.elapsedMs);
      if (res.status !== 200) {
        s.failed++;
        s.failures[String(res.status)] = (s.failures[String(res.status)] ?? 0) + 1;
        s.lastError = problemDetail(res.body) ?? `The backend answered ${res.status}`;
        return;
      }
      const parsed = JSON.parse(new TextDecoder().decode(res.body)) as {
        predictions: Prediction[];
        served_by?: string;
      };
      s.ok++;
      const who = parsed.served_by ?? "unknown";
      s.servedBy[who] = (s.servedBy[who] ?? 0) + 1;
      s.readings += labeled.length;
      parsed.predictions.forEach((p, i) => {
        if (p.anomaly) s.flagged++;
        addVerdict(s.confusion, { flagged: p.anomaly, truth: labeled[i]?.anomaly ?? false });
      });
    } catch (err) {
      if (err instanceof UpstreamError && err.kind === "aborted") {
        s.cancelled++;
        return;
      }
      s.failed++;
      const key = err instanceof UpstreamError ? err.kind : "error";
      s.failures[key] = (s.failures[key] ?? 0) + 1;
      s.lastError = err instanceof Error ? err.message : String(err);
    } finally {
      s.completed++;
    }
  }
}

function problemDetail(body: Uint8Array): string | null {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body));
    return typeof parsed?.detail === "string" ? parsed.detail : null;
  } catch {
    return null;
  }
}

/**
 * The primary's side of `WORKERS` > 1: N Web Workers (`worker.ts`), each a
 * full instance on one shared port (SO_REUSEPORT, so the kernel spreads
 * connections over them), and every message between them and this thread.
 *
 * - Models: the primary loads or trains once and the pool sends artifact text
 *   ({@link WorkerPool.setModel}); the first model is served only once every
 *   worker has decoded it ("ready"), so a pod is never half ready. Later
 *   champions and challengers are served on arrival.
 * - Metrics: a scrape of `/metrics` on any worker asks the pool
 *   ({@link WorkerPool.scrape}), which takes a snapshot of every worker's
 *   registry and merges them: counters and histograms summed, gauges by their
 *   declared aggregator (`process_*` by max, never a sum of one process).
 * - Admin calls on a worker ask the pool to re-read the registry's aliases.
 * - A worker that throws ends the pool ({@link WorkerPool.crashed} resolves 1);
 *   {@link WorkerPool.drain} and {@link WorkerPool.shutdown} stop all in step.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Detector } from "../detector/mod.ts";
import type { ModelStatus } from "../predict/state.ts";
import type { CanaryStatus } from "../mlops/canary_router.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import { aggregateMetrics, type MetricsSnapshot } from "../metrics/metrics.ts";
import { type FromWorker, PendingCalls, type ToWorker } from "./_worker_protocol.ts";
import type { Serving } from "./serving.ts";
import type { ProbeBoard } from "./probe_board.ts";

/** Options for {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** `config.workers` workers listen on `config.port` (port 0: one free port for all). */
  config: Config;
  logger: Logger;
  /** The process's identity (`pod:pid`); worker `i` serves as `<identity>/w<i>`. */
  identity: string;
  /** Serialize a model for the workers (the loader's `encode`). */
  encode: (detector: Detector) => string;
  /** Re-read the registry's aliases (a worker had an admin call); default: nothing to do. */
  refreshModels?: () => Promise<void>;
  /** The probe listener's board (`PROBE_PORT`): worker `i` keeps slot `i` current. */
  probeBoard?: ProbeBoard;
}

/** One worker thread and what the pool awaits from it. */
interface Member {
  thread: Worker;
  listening: PromiseWithResolvers<Deno.NetAddr>;
  closed: PromiseWithResolvers<void>;
  /** This worker's replies to the pool's snapshot requests. */
  snapshots: PendingCalls<MetricsSnapshot>;
}

/** `WORKERS` > 1: the worker threads and the primary's side of their protocol. */
export class WorkerPool implements Serving {
  /** The configuration every worker got (with the port chosen when `PORT=0`). */
  readonly config: Config;
  readonly #options: WorkerPoolOptions;
  readonly #members: Member[] = [];
  readonly #listening = Promise.withResolvers<Deno.NetAddr>();
  readonly #crashed = Promise.withResolvers<number>();
  #modelsLoaded = 0;

  /** Prepare a pool; no thread starts before {@link start}. */
  constructor(options: WorkerPoolOptions) {
    this.#options = options;
    // Port 0 would give every worker its own ephemeral port: pick one port for all of them.
    this.config = options.config.port === 0
      ? { ...options.config, port: freePort(options.config.host) }
      : options.config;
  }

  /** Resolves with the shared address once every worker listens. */
  get listening(): Promise<Deno.NetAddr> {
    return this.#listening.promise;
  }

  /** Resolves with exit code 1 when a worker throws (logged as `worker_crashed`). */
  get crashed(): Promise<number> {
    return this.#crashed.promise;
  }

  /** How many workers the pool runs. */
  get size(): number {
    return this.config.workers;
  }

  /** Spawn the workers and have each start its instance. */
  start(): void {
    if (this.#members.length > 0) throw new Error("The worker pool is already started");
    for (let index = 0; index < this.config.workers; index++) {
      this.#members.push(this.#spawn(index));
    }
    void Promise.all(this.#members.map((m) => m.listening.promise)).then((addrs) =>
      this.#listening.resolve(addrs[0])
    );
  }

  /** Send a champion to every worker (`artifact` defaults to encoding `detector`). */
  setModel(detector: Detector, artifact: string = this.#options.encode(detector)): void {
    const { info } = detector;
    this.#broadcast({
      type: "model",
      artifact,
      source: info.source,
      ...(info.artifact ? { artifactPath: info.artifact } : {}),
      ...(info.createdAt ? { createdAt: info.createdAt } : {}),
      ...(info.warning ? { warning: info.warning } : {}),
    });
  }

  /** Send the challenger to every worker (null: remove it). */
  setChallenger(detector: Detector | null, artifact: string | null): void {
    this.#broadcast({ type: "challenger", artifact, source: detector?.info.source ?? null });
  }

  /** Send the canary's status to every worker, with its artifact when it moved (else null). */
  setCanary(status: CanaryStatus, detector: Detector | null, artifact: string | null): void {
    this.#broadcast({
      type: "canary",
      status,
      artifact: detector === null ? null : artifact ?? this.#options.encode(detector),
      source: detector?.info.source ?? null,
    });
  }

  /** Every worker's metrics snapshot. */
  snapshots(): Promise<MetricsSnapshot[]> {
    return Promise.all(
      this.#members.map((m) => m.snapshots.call((id) => this.#post(m, { type: "snapshot", id }))),
    );
  }

  /** Every worker stays up and not ready, saying `reason`. */
  modelFailed(reason: string): void {
    this.#broadcast({ type: "model_failed", reason });
  }

  /** Every worker learns which champion is intended and which serves. */
  setModelStatus(status: ModelStatus): void {
    this.#broadcast({ type: "model_status", status });
  }

  /**
   * The exposition of every worker's registry merged into one, so each scrape
   * gives the same totals whichever worker answers it.
   */
  async scrape(): Promise<string> {
    return await aggregateMetrics(await this.snapshots());
  }

  /** Every worker's `/ready` turns 503; requests are still served. */
  drain(): void {
    this.#broadcast({ type: "drain" });
  }

  /** Close every worker's listener once quiet; resolves when all have answered their requests. */
  async shutdown(): Promise<void> {
    this.#broadcast({ type: "shutdown" });
    await Promise.all(this.#members.map((m) => m.closed.promise));
  }

  /** Stop every thread now. */
  terminate(): void {
    for (const m of this.#members) m.thread.terminate();
  }

  #broadcast(message: ToWorker): void {
    for (const m of this.#members) m.thread.postMessage(message);
  }

  #spawn(index: number): Member {
    const { logger, identity } = this.#options;
    const thread = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    const member: Member = {
      thread,
      listening: Promise.withResolvers(),
      closed: Promise.withResolvers(),
      snapshots: new PendingCalls(),
    };
    thread.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(member, event.data);
    thread.onerror = (event) => {
      event.preventDefault();
      logger.error("worker_crashed", { worker: index, error: event.message });
      this.#crashed.resolve(1);
    };
    this.#post(member, {
      type: "start",
      config: this.config,
      index,
      servedBy: `${identity}/w${index}`,
      processStartTimeSeconds: Math.round(performance.timeOrigin) / 1000,
      ...(this.#options.probeBoard ? { probeBoard: this.#options.probeBoard.buffer } : {}),
    });
    return member;
  }

  #receive(member: Member, msg: FromWorker): void {
    switch (msg.type) {
      case "listening":
        member.listening.resolve({ transport: "tcp", hostname: msg.hostname, port: msg.port });
        break;
      case "model_loaded":
        // The first model is served once every worker has decoded it.
        if (++this.#modelsLoaded === this.size) this.#broadcast({ type: "ready" });
        break;
      case "refresh":
        void (this.#options.refreshModels?.() ?? Promise.resolve()).then(() =>
          this.#post(member, { type: "refreshed", id: msg.id })
        );
        break;
      case "collect":
        this.scrape().then(
          (text) => this.#post(member, { type: "collected", id: msg.id, text }),
          (err) => {
            this.#options.logger.error("metrics_aggregation_failed", { error: errorMessage(err) });
            this.#post(member, { type: "collected", id: msg.id, text: "" });
          },
        );
        break;
      case "snapshot":
        member.snapshots.settle(msg.id, msg.data);
        break;
      case "closed":
        member.closed.resolve();
        break;
    }
  }

  #post(member: Member, message: ToWorker): void {
    member.thread.postMessage(message);
  }
}

/** A port free on `hostname` right now. */
function freePort(hostname: string): number {
  const listener = Deno.listen({ hostname, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

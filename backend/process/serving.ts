/**
 * What {@link runServer} drives, so one shutdown sequence serves both
 * shapes: {@link SingleInstance} (`WORKERS=1`, the instance in this thread)
 * and `WorkerPool` (`WORKERS` > 1, one instance per Web Worker).
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Detector } from "../detector/mod.ts";
import type { ModelStatus } from "../predict/state.ts";
import type { CanaryStatus } from "../mlops/canary_router.ts";
import { type MetricsSnapshot, snapshotMetrics } from "../metrics/metrics.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import { type Instance, startInstance } from "./instance.ts";
import type { ProbeBoard } from "./probe_board.ts";

/** Instances serving the port, as the server sees them. */
export interface Serving {
  /** Start listening; failures resolve {@link crashed}, never throw. */
  start(): void;
  /** Resolves with the bound address once every instance listens. */
  readonly listening: Promise<Deno.NetAddr>;
  /** Resolves with the exit code when serving fails on its own (cannot listen, a worker died). */
  readonly crashed: Promise<number>;
  /** Serve `detector` as the champion; `artifact` is its text when the caller has it. */
  setModel(detector: Detector, artifact?: string): void;
  /** Shadow-score with `detector` (null: remove the challenger). */
  setChallenger(detector: Detector | null, artifact: string | null): void;
  /** The model could not be loaded: stay up, not ready, saying why. */
  modelFailed(reason: string): void;
  /** Which champion is intended and which serves (`/ready`, `/models`, the gauge). */
  setModelStatus(status: ModelStatus): void;
  /**
   * The canary to route to and its guard's view; `detector` (and `artifact`, its text) when
   * it moved to a new version, else null: keep the canary loaded if it still serves.
   */
  setCanary(status: CanaryStatus, detector: Detector | null, artifact: string | null): void;
  /** Every instance's metrics snapshot (the canary guard sums them). */
  snapshots(): Promise<MetricsSnapshot[]>;
  /** `/ready` turns 503 and responses ask keep-alive clients to reconnect. */
  drain(): void;
  /** Close the listeners once quiet; resolves when every request in flight is answered. */
  shutdown(): Promise<void>;
  /** Release what is left (threads), whatever state serving is in. */
  terminate(): void;
}

/** Options for {@link SingleInstance}. */
export interface SingleInstanceOptions {
  config: Config;
  logger: Logger;
  /** Identity reported in `served_by` (`pod:pid`). */
  servedBy: string;
  /** Re-read the registry's aliases now (after an admin call). */
  refreshModels: () => Promise<void>;
  /** The probe listener's board, when there is one (`PROBE_PORT`): this instance is slot 0. */
  probeBoard?: ProbeBoard;
}

/** `WORKERS=1`: one instance in this thread, on a port of its own. */
export class SingleInstance implements Serving {
  readonly #options: SingleInstanceOptions;
  readonly #listening = Promise.withResolvers<Deno.NetAddr>();
  readonly #crashed = Promise.withResolvers<number>();
  #instance: Instance | null = null;

  /** Prepare; nothing listens before {@link start}. */
  constructor(options: SingleInstanceOptions) {
    this.#options = options;
  }

  /** Resolves with the bound address once listening. */
  get listening(): Promise<Deno.NetAddr> {
    return this.#listening.promise;
  }

  /** Resolves with exit code 1 when the port cannot be bound (logged as `listen_failed`). */
  get crashed(): Promise<number> {
    return this.#crashed.promise;
  }

  /** The running instance (null before {@link start} or when it could not listen). */
  get instance(): Instance | null {
    return this.#instance;
  }

  start(): void {
    const { config, logger, servedBy, refreshModels } = this.#options;
    try {
      const probeSlot = this.#options.probeBoard?.slot(0);
      this.#instance = startInstance({
        config,
        logger,
        servedBy,
        reusePort: false,
        refreshModels,
        ...(probeSlot ? { probeSlot } : {}),
      });
    } catch (err) {
      // Port in use or not permitted: one clear line, no stack trace.
      logger.error("listen_failed", {
        host: config.host,
        port: config.port,
        error: errorMessage(err),
      });
      this.#crashed.resolve(1);
      return;
    }
    void this.#instance.listening.then(this.#listening.resolve);
  }

  setModel(detector: Detector): void {
    this.#running().state.setReady(detector);
  }

  setChallenger(detector: Detector | null): void {
    this.#running().lifecycle.setChallenger(detector);
  }

  modelFailed(reason: string): void {
    this.#running().state.setFailed(reason);
  }

  setModelStatus(status: ModelStatus): void {
    this.#running().state.setModelStatus(status);
  }

  setCanary(status: CanaryStatus, detector: Detector | null): void {
    const router = this.#running().lifecycle.canary;
    router.apply(status, detector ?? router.canary);
  }

  async snapshots(): Promise<MetricsSnapshot[]> {
    return [await snapshotMetrics(this.#running().metrics.registry)];
  }

  drain(): void {
    this.#running().state.startDraining();
  }

  shutdown(): Promise<void> {
    return this.#running().close();
  }

  terminate(): void {
    // One thread: nothing outlives the instance's close.
  }

  #running(): Instance {
    if (!this.#instance) throw new Error("The instance is not running: call start() first");
    return this.#instance;
  }
}

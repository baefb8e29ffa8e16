/**
 * Messages between the primary thread's {@link WorkerPool} and its server
 * workers (`WORKERS` > 1), and the one way either side waits for a reply.
 *
 * Three exchanges are request and reply, each answered by the id its caller
 * chose from its own {@link PendingCalls}: a worker asks the primary for the
 * aggregated `/metrics` (`collect` → `collected`) and to re-read the aliases
 * after an admin call (`refresh` → `refreshed`); the primary asks every worker
 * for its registry (`snapshot` → `snapshot`) to build that aggregate.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { MetricsSnapshot } from "../metrics/metrics.ts";
import type { ModelStatus } from "../predict/state.ts";
import type { CanaryStatus } from "../mlops/canary_router.ts";

/** Primary → worker. */
export type ToWorker =
  | {
    type: "start";
    config: Config;
    index: number;
    servedBy: string;
    /** The primary's start (seconds since the epoch), for `process_start_time_seconds`. */
    processStartTimeSeconds: number;
    /** The probe listener's board (`PROBE_PORT`), shared memory: this worker keeps slot `index`. */
    probeBoard?: SharedArrayBuffer;
  }
  /** The champion as artifact text; the first one is served only after "ready". */
  | {
    type: "model";
    artifact: string;
    source: string;
    /** Where the champion's artifact lives, as responses show it (a registry version). */
    artifactPath?: string;
    createdAt?: string;
    warning?: string;
  }
  /** The challenger as artifact text, or null when removed. */
  | { type: "challenger"; artifact: string | null; source: string | null }
  /** The canary's status; its artifact text when it moved to a new version, else null. */
  | { type: "canary"; status: CanaryStatus; artifact: string | null; source: string | null }
  /** Reply to the worker's "refresh" with the same id. */
  | { type: "refreshed"; id: number }
  | { type: "model_failed"; reason: string }
  /** Which champion is intended and which serves. */
  | { type: "model_status"; status: ModelStatus }
  /** Every worker has decoded the first model: serve it. */
  | { type: "ready" }
  /** Request: send this worker's registry as a snapshot. */
  | { type: "snapshot"; id: number }
  /** Reply to the worker's "collect": the exposition aggregated over every worker. */
  | { type: "collected"; id: number; text: string }
  | { type: "drain" }
  | { type: "shutdown" };

/** Worker → primary. */
export type FromWorker =
  | { type: "listening"; index: number; hostname: string; port: number }
  /** Request: the exposition aggregated over every worker (a scrape of `/metrics` arrived). */
  | { type: "collect"; id: number }
  /** Reply to the primary's "snapshot" with the same id. */
  | { type: "snapshot"; id: number; data: MetricsSnapshot }
  /** The first model is decoded (sent once). */
  | { type: "model_loaded"; index: number }
  /** Request: re-read the registry's aliases now (an admin call moved one). */
  | { type: "refresh"; id: number }
  /** The instance's listener is closed and its requests are answered. */
  | { type: "closed"; index: number };

/** One side's requests awaiting a reply, by the id it gave each. */
export class PendingCalls<T> {
  #next = 0;
  readonly #waiting = new Map<number, (value: T) => void>();

  /** Send a request under a fresh id (`send` posts it) and resolve with its reply. */
  call(send: (id: number) => void): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve) => {
      this.#waiting.set(id, resolve);
      send(id);
    });
  }

  /** Deliver the reply to request `id`; false when no request waits under that id. */
  settle(id: number, value: T): boolean {
    const resolve = this.#waiting.get(id);
    if (!resolve) return false;
    this.#waiting.delete(id);
    resolve(value);
    return true;
  }

  /** How many requests still wait for their reply. */
  get waiting(): number {
    return this.#waiting.size;
  }
}

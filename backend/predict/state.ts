/**
 * The service's serving state: loading → ready → draining, or loading → failed.
 * Liveness (`/health`) ignores it; readiness (`/ready`) and `/predict` follow it.
 */
import type { Detector } from "../detector/mod.ts";

/** Where the service is: loading, ready to serve, failed or draining. */
export type Status = "loading" | "ready" | "failed" | "draining";

/** Which champion the registry intends and which this replica serves (plain data, sent to workers). */
export interface ModelStatus {
  /** The champion alias's full version, or null when unset or unreadable. */
  intended: string | null;
  /** The full version served, or null. */
  serving: string | null;
  /** True when what serves is what the alias names (`model_serving_matches_alias`). */
  matches: boolean;
  /** Why they differ or nothing serves, naming the alias and version; null when they match. */
  reason: string | null;
  /** Fallbacks to the alias's previous version so far (`model_fallback_total`). */
  fallbacks: number;
  /** Set when alias changes cannot apply to this replica, saying why. */
  pinned: string | null;
}

/** Readiness and the loaded detector, shared by the routes of one worker. */
export class ServiceState {
  #status: Status = "loading";
  #detector: Detector | null = null;
  #reason: string | null = "Model is loading";
  #loadedAt: string | null = null;
  #modelStatus: ModelStatus | null = null;
  readonly #listeners: ((status: Status) => void)[] = [];
  readonly #statusListeners: ((status: ModelStatus) => void)[] = [];

  /** Current serving status. */
  get status(): Status {
    return this.#status;
  }

  /** The loaded detector, or null before loading finished or after it failed. */
  get detector(): Detector | null {
    return this.#detector;
  }

  /** Why the service is not ready, or null when it is. */
  get reason(): string | null {
    return this.#reason;
  }

  /** When the model became available (ISO-8601). */
  get loadedAt(): string | null {
    return this.#loadedAt;
  }

  /** Which champion is intended and which serves, or null before the registry was read. */
  get modelStatus(): ModelStatus | null {
    return this.#modelStatus;
  }

  /**
   * Record the registry's view; while nothing serves, its reason becomes the
   * not-ready reason (it names the alias and the version that failed).
   */
  setModelStatus(status: ModelStatus): void {
    this.#modelStatus = status;
    for (const l of this.#statusListeners) l(status);
    if (this.#detector === null && status.reason !== null && this.#status !== "draining") {
      this.#set("failed", status.reason);
    }
  }

  /** True when `/predict` can be served. */
  get ready(): boolean {
    return this.#status === "ready";
  }

  /** Install the loaded detector; ignored while draining. */
  setReady(detector: Detector): void {
    this.#detector = detector;
    this.#loadedAt = new Date().toISOString();
    if (this.#status === "draining") return;
    this.#set("ready", null);
  }

  /** Record that the model could not be loaded; the service stays up and not ready. */
  setFailed(reason: string): void {
    this.#set("failed", reason);
  }

  /** Stop reporting ready (SIGTERM); in-flight and new requests are still served while draining. */
  startDraining(): void {
    this.#set("draining", "Shutting down");
  }

  /** Be told about every {@link setModelStatus} (keeps `model_serving_matches_alias` true). */
  onModelStatus(listener: (status: ModelStatus) => void): void {
    this.#statusListeners.push(listener);
  }

  /** Be told about every status change (used to keep the `model_ready` gauge true). */
  onChange(listener: (status: Status) => void): void {
    this.#listeners.push(listener);
  }

  #set(status: Status, reason: string | null): void {
    this.#status = status;
    this.#reason = reason;
    for (const l of this.#listeners) l(status);
  }
}

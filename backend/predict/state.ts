/**
 * The service's serving state: loading → ready → draining, or loading → failed.
 * Liveness (`/health`) ignores it; readiness (`/ready`) and `/predict` follow it.
 */
import type { Detector } from "../detector/mod.ts";

/** Where the service is: loading, ready to serve, failed or draining. */
export type Status = "loading" | "ready" | "failed" | "draining";

/** Readiness and the loaded detector, shared by the routes of one worker. */
export class ServiceState {
  #status: Status = "loading";
  #detector: Detector | null = null;
  #reason: string | null = "Model is loading";
  #loadedAt: string | null = null;
  readonly #listeners: ((status: Status) => void)[] = [];

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

/**
 * The UI server's shutdown state and its requests in flight. SIGTERM starts
 * draining (readiness 503, requests still served); after the drain delay
 * closing: new requests get 503 while those in flight finish. Deno's
 * `server.shutdown()` breaks request bodies still being received, so
 * `main.ts` calls it only once {@link UiLifecycle.idle} resolves.
 */
export class UiLifecycle {
  #phase: "serving" | "draining" | "closing" = "serving";
  #inflight = 0;
  #onIdle: (() => void)[] = [];

  /** True from SIGTERM on. */
  get draining(): boolean {
    return this.#phase !== "serving";
  }

  /** True once new requests are refused. */
  get closing(): boolean {
    return this.#phase === "closing";
  }

  /** Requests being handled now. */
  get inflight(): number {
    return this.#inflight;
  }

  /** Stop reporting healthy so the Service stops routing here; keep serving meanwhile. */
  startDraining(): void {
    if (this.#phase === "serving") this.#phase = "draining";
  }

  /** Refuse new requests; those in flight continue. */
  startClosing(): void {
    this.#phase = "closing";
  }

  /** Count a request in (call {@link UiLifecycle.leave} when it is answered). */
  enter(): void {
    this.#inflight++;
  }

  /** Count a request out. */
  leave(): void {
    this.#inflight--;
    if (this.#inflight === 0) { for (const resolve of this.#onIdle.splice(0)) resolve(); }
  }

  /** Resolve when no request is in flight. */
  idle(): Promise<void> {
    if (this.#inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#onIdle.push(resolve));
  }
}

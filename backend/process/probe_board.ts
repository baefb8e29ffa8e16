/**
 * What the probe listener (`probe_listener.ts`) knows of the serving
 * isolates, in memory every thread can read: one slot per isolate holding
 * its state (loading, ready, failed, draining) and the last time its event
 * loop ran a heartbeat timer. The isolates write; the probe thread only
 * reads, so `/health` and `/ready` are answered without asking an isolate
 * that may be busy with a large batch (200 concurrent 5,000-reading bodies
 * kept the serving isolate's own `/health` waiting 1.6–2.9 s).
 *
 * Liveness stays honest: a slot whose heartbeat is older than
 * {@link STALL_MS} is an isolate whose event loop has stopped, and then
 * `/health` answers 503 as the kubelet needs to restart it.
 */
import type { Status as ServiceStatus } from "../predict/state.ts";

/** How often each isolate's event loop stamps its slot. */
export const HEARTBEAT_MS = 250;

/**
 * A heartbeat older than this means the isolate's event loop is stuck, not
 * busy: `/health` and `/ready` answer 503. Large batches take turns at the
 * event loop (`lib/turn_queue.ts`), so even on a CPU shared with much other
 * work the heartbeat is seconds late at worst; a liveness failure restarts
 * the pod, so the bound is set well past that.
 */
export const STALL_MS = 30_000;

const STATUSES: readonly ServiceStatus[] = ["loading", "ready", "failed", "draining"];

/** Bytes per slot: the status index (an Int32, padded to 8 in its array) and the heartbeat (a Float64). */
const SLOT_BYTES = 16;

/** One isolate's slot: it writes its status and its heartbeats here. */
export interface ProbeSlot {
  /** Record the isolate's status. */
  setStatus(status: ServiceStatus): void;
  /** Record that the event loop ran now. */
  beat(): void;
}

/** A probe's answer: HTTP status and the JSON body. */
export interface ProbeAnswer {
  status: 200 | 503;
  body: Record<string, unknown>;
}

/** The slots of every serving isolate, over one SharedArrayBuffer. */
export class ProbeBoard {
  /** The shared memory; send it to the threads that write or read the board. */
  readonly buffer: SharedArrayBuffer;
  readonly #status: Int32Array;
  readonly #beats: Float64Array;

  /** A board of `slots` slots, or a view on an existing board's `buffer`. */
  constructor(slots: number | SharedArrayBuffer) {
    this.buffer = typeof slots === "number" ? new SharedArrayBuffer(slots * SLOT_BYTES) : slots;
    const count = this.buffer.byteLength / SLOT_BYTES;
    this.#status = new Int32Array(this.buffer, 0, count);
    this.#beats = new Float64Array(this.buffer, count * 8, count);
  }

  /** How many isolates the board covers. */
  get size(): number {
    return this.#status.length;
  }

  /** The slot of isolate `index`. */
  slot(index: number): ProbeSlot {
    if (!(index >= 0 && index < this.size)) throw new RangeError(`No probe slot ${index}`);
    return {
      setStatus: (status) => Atomics.store(this.#status, index, STATUSES.indexOf(status)),
      // A Float64 is not written atomically, but only this isolate writes it and a torn read
      // can at worst see one stale half of a recent time: never a stall that did not happen.
      beat: () => (this.#beats[index] = Date.now()),
    };
  }

  /** Liveness: 200 unless an isolate's event loop has not run for {@link STALL_MS}. */
  health(now: number = Date.now()): ProbeAnswer {
    const stalled = this.#stalled(now);
    if (stalled.length > 0) {
      return { status: 503, body: { status: "stalled", stalled_isolates: stalled } };
    }
    return { status: 200, body: { status: "ok", isolates: this.size } };
  }

  /** Readiness: 200 when every isolate is ready and none is stalled; else 503 saying why. */
  readiness(now: number = Date.now()): ProbeAnswer {
    const stalled = this.#stalled(now);
    if (stalled.length > 0) {
      return { status: 503, body: { status: "stalled", stalled_isolates: stalled } };
    }
    for (let i = 0; i < this.size; i++) {
      const status = STATUSES[Atomics.load(this.#status, i)] ?? "loading";
      if (status !== "ready") return { status: 503, body: { status } };
    }
    return { status: 200, body: { status: "ready" } };
  }

  #stalled(now: number): number[] {
    const stalled: number[] = [];
    for (let i = 0; i < this.size; i++) {
      // Zero: no heartbeat yet (the isolate is starting up); that is not a stall.
      const beat = this.#beats[i];
      if (beat > 0 && now - beat > STALL_MS) stalled.push(i);
    }
    return stalled;
  }
}

/** Keep `slot` current: the status of `state` and a heartbeat timer; returns a stop function. */
export function followState(
  slot: ProbeSlot,
  state: { status: ServiceStatus; onChange(listener: (status: ServiceStatus) => void): void },
): () => void {
  slot.setStatus(state.status);
  state.onChange((status) => slot.setStatus(status));
  slot.beat();
  const timer = setInterval(() => slot.beat(), HEARTBEAT_MS);
  // The heartbeat alone must not keep the isolate alive.
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}

/**
 * The probe listener: `/health` and `/ready` on a port of their own
 * (`PROBE_PORT`), served by a Web Worker that does nothing else, from the
 * {@link ProbeBoard} the serving isolates keep current. A serving isolate
 * busy with a large batch (or a client trickling a body) cannot delay the
 * kubelet's probes: the thread answering them never runs request work, and
 * the operating system schedules it as soon as a probe arrives. The
 * serving port keeps its own `/health` and `/ready` for people and clients.
 *
 * This module is both sides: {@link startProbeListener} (the main thread)
 * and the worker's message handler (below, when loaded as a worker).
 *
 * @module
 */
import { ProbeBoard } from "./probe_board.ts";

/** How long closing waits for probes in flight before the thread is ended. */
const CLOSE_GRACE_MS = 1_000;

/** Messages to the probe worker. */
type ToProbe =
  | { type: "start"; buffer: SharedArrayBuffer; hostname: string; port: number }
  | { type: "close" };

/** Messages from the probe worker. */
type FromProbe =
  | { type: "listening"; port: number }
  | { type: "failed"; error: string }
  | { type: "closed" };

/** A running probe listener. */
export interface ProbeListener {
  /** Resolves with the bound port; rejects when it cannot listen. */
  listening: Promise<number>;
  /** Stop listening and end the thread. */
  close(): Promise<void>;
}

/** Options for {@link startProbeListener}. */
export interface ProbeListenerOptions {
  hostname: string;
  /** 0 picks a free port. */
  port: number;
}

/** Start the probe thread answering from `board`. */
export function startProbeListener(
  board: ProbeBoard,
  options: ProbeListenerOptions,
): ProbeListener {
  const thread = new Worker(new URL("./probe_listener.ts", import.meta.url), { type: "module" });
  const listening = Promise.withResolvers<number>();
  const closed = Promise.withResolvers<void>();
  thread.onmessage = (event: MessageEvent<FromProbe>) => {
    const msg = event.data;
    if (msg.type === "listening") listening.resolve(msg.port);
    else if (msg.type === "failed") listening.reject(new Error(msg.error));
    else closed.resolve();
  };
  thread.onerror = (event) => {
    event.preventDefault();
    listening.reject(new Error(event.message));
    closed.resolve();
  };
  const start: ToProbe = { type: "start", buffer: board.buffer, ...options };
  thread.postMessage(start);
  let closing: Promise<void> | null = null;
  return {
    listening: listening.promise,
    close() {
      closing ??= (async () => {
        const ended = await listening.promise.then(() => true, () => false);
        if (ended) {
          thread.postMessage({ type: "close" } satisfies ToProbe);
          // A probe connection left open must not hold the exit: the thread ends regardless.
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([
            closed.promise,
            new Promise<void>((r) => (timer = setTimeout(r, CLOSE_GRACE_MS))),
          ]);
          clearTimeout(timer);
        }
        thread.terminate();
      })();
      return closing;
    },
  };
}

/** The probe worker: serve the board until told to close. */
function serveProbes(scope: typeof globalThis & { postMessage(msg: FromProbe): void }): void {
  let server: Deno.HttpServer | null = null;
  scope.onmessage = async (event: MessageEvent<ToProbe>) => {
    const msg = event.data;
    if (msg.type === "close") {
      await server?.shutdown();
      scope.postMessage({ type: "closed" });
      return;
    }
    const board = new ProbeBoard(msg.buffer);
    try {
      server = Deno.serve({
        hostname: msg.hostname,
        port: msg.port,
        onListen: ({ port }) => scope.postMessage({ type: "listening", port }),
      }, (req) => {
        const path = new URL(req.url).pathname;
        const answer = path === "/health"
          ? board.health()
          : path === "/ready"
          ? board.readiness()
          : { status: 404 as const, body: { status: "not-found", paths: ["/health", "/ready"] } };
        return Response.json(answer.body, {
          status: answer.status,
          headers: { "cache-control": "no-store" },
        });
      });
    } catch (err) {
      scope.postMessage({
        type: "failed",
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };
}

// Loaded as a worker (no `document`, a `WorkerGlobalScope`): serve.
if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined") {
  serveProbes(globalThis as typeof globalThis & { postMessage(msg: FromProbe): void });
}

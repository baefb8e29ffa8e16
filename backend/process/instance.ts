/**
 * One serving instance: state, metrics, app and listener. The single-worker
 * server runs one in the main thread; with `WORKERS=N` each Web Worker runs
 * one, all bound to the same port with SO_REUSEPORT so the kernel spreads
 * connections across them.
 */
import { createApp, createLifecycle } from "../http/app.ts";
import type { Config } from "../config.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import { createMetrics, type Metrics } from "../metrics/metrics.ts";
import type { ModelLifecycle } from "../mlops/model_lifecycle.ts";
import { ServiceState } from "../predict/state.ts";
import { followState, type ProbeSlot } from "./probe_board.ts";

/** A running instance. */
export interface Instance {
  state: ServiceState;
  /** Challenger, shadow scoring and drift of this instance. */
  lifecycle: ModelLifecycle;
  metrics: Metrics;
  server: Deno.HttpServer<Deno.NetAddr>;
  /** Resolves with the bound address once listening. */
  listening: Promise<Deno.NetAddr>;
  /**
   * Wait until no request is in flight and none has started for
   * `SHUTDOWN_QUIET_MS`, then close the listener and finish. Deno's
   * `server.shutdown()` alone aborts request bodies still being received, so
   * a slow upload would fail; and closing the listener while a client is
   * still sending drops the connections the kernel has accepted but nobody
   * will read. Waiting for quiet serves a client that did not watch
   * readiness until it stops; one that never stops meets the shutdown
   * deadline instead.
   */
  close(): Promise<void>;
}

/** Options for {@link startInstance}. */
export interface InstanceOptions {
  config: Config;
  logger: Logger;
  servedBy: string;
  /** Share the port with sibling workers (Linux SO_REUSEPORT). */
  reusePort: boolean;
  /** Render `/metrics`; defaults to this instance's registry. */
  collectMetrics?: (metrics: Metrics) => Promise<string>;
  /** Re-read the registry's aliases now (after an admin call moved one). */
  refreshModels?: () => Promise<void>;
  /** When the process started (seconds since the epoch); workers pass the primary's. */
  processStartTimeSeconds?: number;
  /** This instance's slot on the probe listener's board (`PROBE_PORT`), kept current. */
  probeSlot?: ProbeSlot;
}

/** Build the app and start listening. */
export function startInstance(options: InstanceOptions): Instance {
  const { config, logger, servedBy } = options;
  const state = new ServiceState();
  const metrics = createMetrics(
    options.processStartTimeSeconds !== undefined
      ? { processStartTimeSeconds: options.processStartTimeSeconds }
      : {},
  );
  const lifecycle = createLifecycle({ config, state, metrics, logger });
  state.onChange((status) => logger.info("state", { state: status, reason: state.reason }));
  const stopBeating = options.probeSlot ? followState(options.probeSlot, state) : () => {};
  const app = createApp({
    config,
    state,
    metrics,
    logger,
    servedBy,
    lifecycle,
    ...(options.refreshModels ? { refreshModels: options.refreshModels } : {}),
    ...(options.collectMetrics ? { collectMetrics: () => options.collectMetrics!(metrics) } : {}),
  });
  let resolveListening!: (addr: Deno.NetAddr) => void;
  const listening = new Promise<Deno.NetAddr>((r) => (resolveListening = r));
  let active = 0;
  let lastStart = 0;
  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    reusePort: options.reusePort,
    onListen: (addr) => resolveListening(addr),
    // Errors thrown past Hono's onError (none expected) still get a bare 500, never a stack.
    onError: (err) => {
      logger.error("server_error", { error: errorMessage(err) });
      return new Response(null, { status: 500 });
    },
  }, async (request, info) => {
    active++;
    lastStart = performance.now();
    try {
      const response = await app.fetch(request, info);
      // While draining, ask keep-alive clients to reconnect: the next connection
      // lands on a replica that is still in the Service's endpoints.
      if (state.status === "draining") response.headers.set("connection", "close");
      return response;
    } finally {
      active--;
    }
  });
  const close = async () => {
    while (active > 0 || performance.now() - lastStart < config.shutdownQuietMs) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await server.shutdown();
    stopBeating();
  };
  return { state, lifecycle, metrics, server, listening, close };
}

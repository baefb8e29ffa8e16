/**
 * Entry point of the UI server (`deno task ui`, the UI image): reads the
 * configuration, serves, and stops cleanly on SIGTERM/SIGINT. The island
 * bundles must have been built (`deno task build:ui`; `deno task ui` does it).
 *
 * Shutdown, like the backend's: `/health` (the readiness probe) turns 503 and
 * new bursts are refused; requests are still served for DRAIN_DELAY_S while
 * Kubernetes removes the pod from its endpoints; then new requests get 503,
 * running bursts are cancelled, in-flight requests (uploads included) finish
 * and the listener closes; past SHUTDOWN_DEADLINE_S the process exits anyway
 * with code 1. A clean stop exits 0. SIGINT (Ctrl-C) skips the drain delay.
 */
import { createLogger } from "../lib/logger.ts";
import { createUiApp } from "./app.ts";
import { BatchLimits } from "./batch_limit.ts";
import { BurstRunner } from "./bursts.ts";
import { loadUiConfig, type UiConfig, UiConfigError } from "./config.ts";
import { UiLifecycle } from "./shutdown.ts";
import { loadStaticFiles } from "./static_files.ts";
import { Upstream } from "./upstream.ts";

const logger = createLogger({ service: "anomaly-ui" });

let config: UiConfig;
try {
  config = loadUiConfig(Deno.env.toObject());
} catch (err) {
  if (!(err instanceof UiConfigError)) throw err;
  logger.error("invalid_config", { problems: err.problems });
  Deno.exit(2);
}

const staticFiles = await loadStaticFiles(new URL("./static/", import.meta.url));
if (staticFiles.buildId === null) {
  logger.warn("islands_not_built", { hint: "run `deno task build:ui`" });
}
const upstream = new Upstream({
  baseUrl: config.backendUrl,
  timeoutMs: config.upstreamTimeoutMs,
  idleTimeoutMs: config.upstreamIdleTimeoutMs,
  maxRequestsPerConnection: config.upstreamMaxRequestsPerConnection,
});
const bursts = new BurstRunner(upstream);
const lifecycle = new UiLifecycle();
const batchLimits = new BatchLimits({ upstream, maxBodyBytes: config.maxBodyBytes });
const app = createUiApp({ config, upstream, bursts, staticFiles, logger, lifecycle, batchLimits });
// Learn the backend's MAX_BATCH before the first page asks (and say what was learned).
batchLimits.refresh().then((limit) => logger.info("batch_limit", { ...limit }));

const server = Deno.serve({
  hostname: config.host,
  port: config.port,
  onListen: ({ hostname, port }) => {
    const shown = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
    logger.info("listening", {
      host: hostname,
      port,
      url: `http://${shown}:${port}`,
      backend_url: config.backendUrl,
      build_id: staticFiles.buildId,
    });
  },
}, (req, info) => app.fetch(req, info));

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let stopping = false;
async function stop(signal: "SIGTERM" | "SIGINT") {
  if (stopping) return;
  stopping = true;
  const drainDelayS = signal === "SIGINT" ? 0 : config.drainDelaySeconds;
  logger.info("shutdown_started", { signal, drain_delay_s: drainDelayS });
  lifecycle.startDraining();
  await sleep(drainDelayS * 1000);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"deadline">((r) => {
    timer = setTimeout(() => r("deadline"), config.shutdownDeadlineSeconds * 1000);
  });
  // Bursts are the UI's own work: cancel them. Requests from clients finish
  // first: shutting the server down earlier would break bodies being received.
  lifecycle.startClosing();
  const closed = Promise.all([
    bursts.close(),
    lifecycle.idle().then(() => server.shutdown()),
  ]);
  const outcome = await Promise.race([closed.then(() => "closed" as const), deadline]);
  clearTimeout(timer);
  upstream.close();
  if (outcome === "deadline") {
    logger.error("shutdown_deadline_exceeded", { deadline_s: config.shutdownDeadlineSeconds });
    Deno.exit(1);
  }
  logger.info("shutdown_complete", {});
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
Deno.addSignalListener("SIGINT", () => stop("SIGINT"));

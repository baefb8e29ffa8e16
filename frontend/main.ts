/**
 * Entry point of the UI server (`deno task ui`, the UI image): reads the
 * configuration, serves, and stops cleanly on SIGTERM/SIGINT. The island
 * bundles must have been built (`deno task build:ui`; `deno task ui` does it).
 */
import { createLogger } from "../backend/logger.ts";
import { createUiApp } from "./app.ts";
import { BurstRunner } from "./bursts.ts";
import { loadUiConfig, UiConfigError } from "./config.ts";
import { loadStaticFiles } from "./static_files.ts";
import { Upstream } from "./upstream.ts";

const logger = createLogger({ service: "anomaly-ui" });

let config;
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
const app = createUiApp({ config, upstream, bursts, staticFiles, logger });

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

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info("shutdown_started", { signal });
  await bursts.close();
  await server.shutdown();
  upstream.close();
  logger.info("shutdown_complete", {});
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
Deno.addSignalListener("SIGINT", () => stop("SIGINT"));

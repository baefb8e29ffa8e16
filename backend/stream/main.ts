/**
 * `deno task stream`: the stream scorer process. Loads the model exactly as a
 * backend replica does (same environment, same registry, promotions followed
 * the same way), joins the consumer group and scores until SIGTERM/SIGINT.
 * Serves `/metrics` and `/health` on `STREAM_METRICS_PORT`.
 */
import { configFromEnvOrExit } from "../config.ts";
import { createLogger, errorMessage, printError } from "../../lib/logger.ts";
import { createModelLoader } from "../process/model_codec.ts";
import type { Detector } from "../detector/mod.ts";
import { loadStreamConfig, type StreamConfig } from "./stream_config.ts";
import { createStreamMetrics } from "./stream_metrics.ts";
import { StreamScorer } from "./stream_scorer.ts";

let stream: StreamConfig;
try {
  stream = loadStreamConfig(Deno.env.toObject());
} catch (err) {
  printError(`config error: ${errorMessage(err)}`);
  Deno.exit(2);
}
const config = configFromEnvOrExit();
const logger = createLogger({ service: "anomaly-stream", pod: config.podName }, {
  level: config.logLevel,
});
const loader = createModelLoader(config, logger);
let detector: Detector = await loader.load();
const watch = loader.watch?.(detector, {
  champion(next) {
    logger.info("stream_model_changed", { from: detector.info.version, to: next.info.version });
    detector = next;
  },
  challenger() {},
  // What the replica serves against what the champion alias names: a mismatch is logged as a
  // backend replica reports it in /ready (the scorer keeps scoring with what it holds).
  status(status) {
    if (!status.matches) logger.error("stream_model_mismatch", { ...status });
  },
});
const metrics = createStreamMetrics();
const scorer = new StreamScorer({
  bootstrap: stream.bootstrap,
  groupId: stream.groupId,
  topics: stream.topics,
  detector: () => detector,
  metrics,
  logger,
  maxBatch: stream.maxBatch,
  windowTtlMs: stream.windowTtlS * 1000,
});
let started = false;
const server = Deno.serve({
  hostname: config.host,
  port: stream.metricsPort,
  onListen: ({ port }) => logger.info("stream_metrics_listening", { port }),
}, async (request) => {
  const path = new URL(request.url).pathname;
  if (path === "/metrics") {
    return new Response(await metrics.registry.metrics(), {
      headers: { "content-type": metrics.registry.contentType },
    });
  }
  if (path === "/health") {
    return Response.json(
      { status: started ? "ok" : "starting", model_version: detector.info.version },
      { status: started ? 200 : 503 },
    );
  }
  return new Response("Not found\n", { status: 404 });
});
await scorer.start();
started = true;
const stop = Promise.withResolvers<void>();
Deno.addSignalListener("SIGINT", () => stop.resolve());
Deno.addSignalListener("SIGTERM", () => stop.resolve());
await stop.promise;
await scorer.stop();
await watch?.stop();
await server.shutdown();
Deno.exit(0);

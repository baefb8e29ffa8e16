/**
 * Backend entry point: read the configuration, log it once, serve until
 * SIGTERM/SIGINT, exit with the server's code. Nothing else lives here.
 */
import { configFromEnvOrExit, describeConfig } from "./config.ts";
import { createLogger } from "../lib/logger.ts";
import { createModelLoader } from "./process/model_codec.ts";
import { runServer } from "./process/server.ts";

const config = configFromEnvOrExit();
const logger = createLogger({ service: "anomaly-backend", pod: config.podName }, {
  level: config.logLevel,
});
logger.info("config", describeConfig(config));
const code = await runServer({ config, logger, model: createModelLoader(config, logger) });
Deno.exit(code);

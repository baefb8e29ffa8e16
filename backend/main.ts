/**
 * Backend entry point: read the configuration, log it once, serve until
 * SIGTERM/SIGINT, exit with the server's code. Nothing else lives here.
 */
import { ConfigError, describeConfig, loadConfig } from "./config.ts";
import { createLogger, printError } from "./logger.ts";
import { createModelLoader } from "./model_codec.ts";
import { runServer } from "./server.ts";

let config;
try {
  config = loadConfig(Deno.env.toObject(), Deno.hostname());
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  for (const problem of err.problems) printError(`config error: ${problem}`);
  Deno.exit(2);
}
const logger = createLogger({ service: "anomaly-backend", pod: config.podName }, {
  level: config.logLevel,
});
logger.info("config", describeConfig(config));
const code = await runServer({ config, logger, model: createModelLoader(config, logger) });
Deno.exit(code);

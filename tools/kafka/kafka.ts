/**
 * `deno task kafka`: a single-node KRaft broker on a free port until Ctrl-C.
 * `--data DIR` keeps the log between runs (default: a temporary directory);
 * `--port N` picks the client port (default: a free one).
 */
import { parseArgs } from "node:util";
import { createLogger, print, printError } from "../../lib/logger.ts";
import { startBroker } from "./broker.ts";
import { topicSettings } from "../../backend/stream/topics.ts";
import { ensureTopics } from "../../backend/stream/create_topics.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { data: { type: "string" }, port: { type: "string" } },
});
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  printError(`--port must be a port number, got ${JSON.stringify(values.port)}`);
  Deno.exit(2);
}
const logger = createLogger({ service: "kafka" });
const broker = await startBroker({
  logger,
  ...(values.data ? { dataDir: values.data } : {}),
  ...(port !== undefined ? { port } : {}),
});
await ensureTopics(broker.bootstrap, topicSettings(Deno.env.toObject()));
print(`Kafka ${broker.bootstrap} (KRaft, data in ${broker.dataDir}); Ctrl-C stops it`);
print(`  KAFKA_BOOTSTRAP=${broker.bootstrap} deno task stream`);
const stop = Promise.withResolvers<void>();
Deno.addSignalListener("SIGINT", () => stop.resolve());
Deno.addSignalListener("SIGTERM", () => stop.resolve());
await stop.promise;
await broker.stop();
Deno.exit(0);

/**
 * A single-node Apache Kafka broker in KRaft mode (combined broker and
 * controller, no ZooKeeper), run from the jars that `.ci/setup.d/70-kafka.sh`
 * copies from Maven Central into `.cache/kafka/libs`, on the JRE at `java`.
 * Ports are free ones picked at start; the data directory is a fresh temporary
 * one unless given. `deno task kafka` runs one until Ctrl-C.
 */
import { fileURLToPath } from "node:url";
import type { Logger } from "../../lib/logger.ts";

/** Where the setup script puts the broker's jars (relative to the repository root). */
export const KAFKA_LIBS = fileURLToPath(new URL("../../.cache/kafka/libs", import.meta.url));

/** The classpath of the broker and Kafka's tools, or null when the jars are absent. */
export function kafkaClasspath(libs: string = KAFKA_LIBS): string | null {
  try {
    for (const entry of Deno.readDirSync(libs)) {
      if (/^kafka_2\.13-.*\.jar$/.test(entry.name)) return `${libs}/*`;
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return null;
}

/** A port nobody listens on right now on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Options for {@link startBroker}. */
export interface BrokerOptions {
  logger: Logger;
  /** Data directory (created); default a new temporary directory, removed by `stop()`. */
  dataDir?: string;
  /** Partitions of topics created without a count (auto-created ones). Default 1. */
  defaultPartitions?: number;
  /** Client port; default a free one (tests). The controller port is always a free one. */
  port?: number;
  /** Java heap, e.g. "512m" (a laptop-sized broker). */
  heap?: string;
  /** Give up when the broker does not listen within this many milliseconds. Default 90 s. */
  startTimeoutMs?: number;
}

/** A running broker. */
export interface Broker {
  /** `host:port` for clients. */
  bootstrap: string;
  dataDir: string;
  /** The JVM process (SIGKILL-able by tests). */
  process: Deno.ChildProcess;
  /** Stop the broker (SIGTERM, then SIGKILL after 10 s) and remove a temporary data dir. */
  stop(): Promise<void>;
}

/** The `server.properties` of a combined broker+controller node on the given ports. */
export function serverProperties(
  ports: { broker: number; controller: number },
  logDir: string,
  defaultPartitions = 1,
): string {
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${ports.controller}`,
    `listeners=PLAINTEXT://127.0.0.1:${ports.broker},CONTROLLER://127.0.0.1:${ports.controller}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${ports.broker}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${logDir}`,
    `num.partitions=${defaultPartitions}`,
    // One node: internal topics cannot have more replicas than that.
    "offsets.topic.replication.factor=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    // A test or a workshop starts consumers one after the other; waiting 3 s for more to
    // join (the default) only delays the first assignment.
    "group.initial.rebalance.delay.ms=0",
    // Compaction of the scorer's changelog should be visible within a session.
    "log.cleaner.backoff.ms=5000",
    "",
  ].join("\n");
}

async function java(args: string[], classpath: string, heap: string): Promise<string> {
  const jvm = args.filter((a) => a.startsWith("-D"));
  const out = await new Deno.Command("java", {
    args: [`-Xmx${heap}`, ...jvm, "-cp", classpath, ...args.filter((a) => !a.startsWith("-D"))],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`java ${args[0]} failed: ${text.trim().slice(-400)}`);
  return text;
}

async function listening(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/** Format a KRaft log directory and start a broker on free ports; resolves once it listens. */
export async function startBroker(options: BrokerOptions): Promise<Broker> {
  const classpath = kafkaClasspath();
  if (classpath === null) {
    throw new Error(
      `Kafka jars not found in ${KAFKA_LIBS}; run bash .ci/setup.d/70-kafka.sh to fetch them`,
    );
  }
  const heap = options.heap ?? "512m";
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "kafka-" });
  await Deno.mkdir(`${dataDir}/log`, { recursive: true });
  const ports = { broker: options.port ?? freePort(), controller: freePort() };
  const config = `${dataDir}/server.properties`;
  await Deno.writeTextFile(
    config,
    serverProperties(ports, `${dataDir}/log`, options.defaultPartitions ?? 1),
  );
  // Log4j2 at WARN to the console: the broker's INFO chatter is thousands of lines a minute.
  await Deno.writeTextFile(
    `${dataDir}/log4j2.properties`,
    "rootLogger.level=WARN\nrootLogger.appenderRef.out.ref=out\n" +
      "appender.out.type=Console\nappender.out.name=out\nappender.out.layout.type=PatternLayout\n" +
      "appender.out.layout.pattern=[kafka] %p %c{1}: %m%n\n",
  );
  const log4j = `-Dlog4j2.configurationFile=${dataDir}/log4j2.properties`;
  // A data directory kept from an earlier run is already formatted and keeps its cluster id.
  const formatted = await Deno.stat(`${dataDir}/log/meta.properties`).then(() => true, () => false);
  if (!formatted) {
    const clusterId = (await java(["kafka.tools.StorageTool", "random-uuid"], classpath, "128m"))
      .trim().split("\n").at(-1)!.trim();
    await java(
      [log4j, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config],
      classpath,
      "256m",
    );
  }
  const process = new Deno.Command("java", {
    args: [`-Xmx${heap}`, log4j, "-cp", classpath, "kafka.Kafka", config],
    stdout: "inherit",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const status = process.status;
  let exited = false;
  void status.then(() => exited = true);
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  while (!(await listening(ports.broker))) {
    if (exited) throw new Error(`Kafka broker exited at start-up (see the [kafka] lines above)`);
    if (Date.now() > deadline) {
      process.kill("SIGKILL");
      await status;
      throw new Error(`Kafka broker did not listen on ${ports.broker} within the start timeout`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const bootstrap = `127.0.0.1:${ports.broker}`;
  options.logger.info("kafka_broker_started", { bootstrap, data_dir: dataDir, pid: process.pid });
  return {
    bootstrap,
    dataDir,
    process,
    async stop() {
      if (!exited) {
        process.kill("SIGTERM");
        const timer = setTimeout(() => {
          if (!exited) process.kill("SIGKILL");
        }, 10_000);
        await status;
        clearTimeout(timer);
      }
      if (temporary) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

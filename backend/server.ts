/**
 * Runs the backend: one instance in this thread (`WORKERS=1`), or N Web
 * Workers sharing the port with a primary that loads the model once,
 * aggregates metrics and coordinates shutdown.
 *
 * Shutdown on SIGTERM, in this order (RELIABILITY R1.5): `/ready` turns 503;
 * requests are still served for DRAIN_DELAY_S while Kubernetes removes the pod
 * from its endpoints; the listener closes and in-flight requests finish; past
 * SHUTDOWN_DEADLINE_S the process exits anyway (code 1). A clean stop exits 0.
 * SIGINT (Ctrl-C) skips the drain delay: nobody routes traffic to a laptop.
 */
import type { FromWorker, ToWorker } from "./_worker_protocol.ts";
import type { Config } from "./config.ts";
import type { Detector } from "./detector/types.ts";
import { startInstance } from "./instance.ts";
import type { Logger } from "./logger.ts";
import { aggregateMetrics, type MetricsSnapshot } from "./metrics.ts";

/** Where {@link ModelLoader.watch} reports alias changes. */
export interface ModelUpdates {
  /** The champion moved: serve `detector` (its artifact text is for workers). */
  champion(detector: Detector, artifact: string): void;
  /** The challenger was set, moved (detector) or removed (null). */
  challenger(detector: Detector | null, artifact: string | null): void;
}

/** A running watch of the registry's aliases. */
export interface ModelWatch {
  /** Re-read the aliases now (after an admin call); resolves when applied. */
  poll(): Promise<void>;
  /** Stop watching. */
  stop(): Promise<void>;
}

/** How the server obtains the model. */
export interface ModelLoader {
  /** Load or train the model; the error message becomes the not-ready reason. */
  load(): Promise<Detector>;
  /** Serialize a loaded model so workers can rebuild it without retraining. */
  encode(detector: Detector): string;
  /** Follow the registry's aliases once `served` is loaded (absent: the model never changes). */
  watch?(served: Detector, updates: ModelUpdates): ModelWatch;
}

/** Options for {@link runServer}. */
export interface RunServerOptions {
  config: Config;
  logger: Logger;
  model: ModelLoader;
  /** Called once listening with the bound port (tests use port 0). */
  onListen?: (port: number) => void;
  /** Resolves when shutdown should start; defaults to SIGTERM/SIGINT. Resolve with true to skip the drain delay. */
  stopSignal?: Promise<boolean>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A promise resolving on SIGTERM (false: drain) or SIGINT (true: skip the drain delay). */
export function signalStop(): Promise<boolean> {
  return new Promise((resolve) => {
    Deno.addSignalListener("SIGTERM", () => resolve(false));
    Deno.addSignalListener("SIGINT", () => resolve(true));
  });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Serve until stopped; resolves with the process exit code. */
export async function runServer(options: RunServerOptions): Promise<number> {
  const { config, logger } = options;
  const stop = options.stopSignal ?? signalStop();
  const identity = `${config.podName}:${Deno.pid}`;
  return config.workers === 1
    ? await runSingle(options, identity, stop)
    : await runWorkers(options, identity, stop, logger);
}

async function runSingle(
  options: RunServerOptions,
  servedBy: string,
  stop: Promise<boolean>,
): Promise<number> {
  const { config, logger, model } = options;
  let instance;
  let watch: ModelWatch | null = null;
  try {
    instance = startInstance({
      config,
      logger,
      servedBy,
      reusePort: false,
      refreshModels: () => watch?.poll() ?? Promise.resolve(),
    });
  } catch (err) {
    // Port in use or not permitted: one clear line, no stack trace.
    logger.error("listen_failed", {
      host: config.host,
      port: config.port,
      error: errorMessage(err),
    });
    return 1;
  }
  const addr = await instance.listening;
  logger.info("listening", { host: addr.hostname, port: addr.port, workers: 1 });
  options.onListen?.(addr.port);
  const loading = model.load().then(
    (detector) => {
      instance.state.setReady(detector);
      watch = model.watch?.(detector, {
        champion: (d) => instance.state.setReady(d),
        challenger: (d) => instance.lifecycle.setChallenger(d),
      }) ?? null;
    },
    (err) => instance.state.setFailed(errorMessage(err)),
  );
  const skipDrain = await stop;
  await loading.catch(() => {});
  logger.info("shutdown_started", { drain_delay_s: skipDrain ? 0 : config.drainDelaySeconds });
  await (watch as ModelWatch | null)?.stop();
  instance.state.startDraining();
  if (!skipDrain) await sleep(config.drainDelaySeconds * 1000);
  return await finish(instance.close(), config, logger);
}

async function finish(closed: Promise<unknown>, config: Config, logger: Logger): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"deadline">((r) => {
    timer = setTimeout(() => r("deadline"), config.shutdownDeadlineSeconds * 1000);
  });
  const outcome = await Promise.race([closed.then(() => "closed" as const), deadline]);
  clearTimeout(timer);
  if (outcome === "deadline") {
    logger.error("shutdown_deadline_exceeded", { deadline_s: config.shutdownDeadlineSeconds });
    return 1;
  }
  logger.info("shutdown_complete");
  return 0;
}

async function runWorkers(
  options: RunServerOptions,
  identity: string,
  stop: Promise<boolean>,
  logger: Logger,
): Promise<number> {
  const { model } = options;
  // Port 0 would give every worker its own ephemeral port: pick one port for all of them.
  const config = options.config.port === 0
    ? { ...options.config, port: freePort(options.config.host) }
    : options.config;
  const workers: Worker[] = [];
  const listening: Promise<number>[] = [];
  const closed: Promise<void>[] = [];
  // Scrape fan-out: collect id → snapshots received so far.
  const scrapes = new Map<
    number,
    { snapshots: MetricsSnapshot[]; reply: (text: string) => void }
  >();
  let scrapeId = 0;
  let modelsLoaded = 0;
  let watch: ModelWatch | null = null;
  let crashed: (code: number) => void = () => {};
  const crash = new Promise<number>((r) => (crashed = r));

  const broadcast = (message: ToWorker) => workers.forEach((w) => w.postMessage(message));

  for (let index = 0; index < config.workers; index++) {
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    workers.push(worker);
    let onListening!: (port: number) => void;
    let onClosed!: () => void;
    listening.push(new Promise((r) => (onListening = r)));
    closed.push(new Promise((r) => (onClosed = r)));
    worker.onerror = (event) => {
      event.preventDefault();
      logger.error("worker_crashed", { worker: index, error: event.message });
      crashed(1);
    };
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const msg = event.data;
      if (msg.type === "listening") onListening(msg.port);
      else if (msg.type === "model_loaded") {
        if (++modelsLoaded === workers.length) broadcast({ type: "ready" });
      } else if (msg.type === "closed") onClosed();
      else if (msg.type === "refresh") {
        void (watch?.poll() ?? Promise.resolve()).then(() =>
          worker.postMessage({ type: "refreshed", id: msg.id } satisfies ToWorker)
        );
      } else if (msg.type === "collect") {
        const id = scrapeId++;
        scrapes.set(id, {
          snapshots: [],
          reply: (text) =>
            worker.postMessage({ type: "collected", id: msg.id, text } satisfies ToWorker),
        });
        broadcast({ type: "snapshot", id });
      } else if (msg.type === "snapshot") {
        const scrape = scrapes.get(msg.id);
        if (!scrape) return;
        scrape.snapshots.push(msg.data);
        if (scrape.snapshots.length === workers.length) {
          scrapes.delete(msg.id);
          aggregateMetrics(scrape.snapshots).then(scrape.reply, (err) => {
            logger.error("metrics_aggregation_failed", { error: errorMessage(err) });
            scrape.reply("");
          });
        }
      }
    };
    worker.postMessage(
      {
        type: "start",
        config,
        index,
        servedBy: `${identity}/w${index}`,
        processStartTimeSeconds: Math.round(performance.timeOrigin) / 1000,
      } satisfies ToWorker,
    );
  }

  const ports = await Promise.race([Promise.all(listening), crash.then(() => null)]);
  if (ports === null) return terminate(workers, 1);
  logger.info("listening", { host: config.host, port: ports[0], workers: workers.length });
  options.onListen?.(ports[0]);

  const sendModel = (detector: Detector, artifact: string) =>
    broadcast({
      type: "model",
      artifact,
      source: detector.info.source,
      ...(detector.info.createdAt ? { createdAt: detector.info.createdAt } : {}),
      ...(detector.info.warning ? { warning: detector.info.warning } : {}),
    });
  const loading = model.load().then(
    (detector) => {
      sendModel(detector, model.encode(detector));
      watch = model.watch?.(detector, {
        champion: sendModel,
        challenger: (detector, artifact) =>
          broadcast({
            type: "challenger",
            artifact,
            source: detector?.info.source ?? null,
          }),
      }) ?? null;
    },
    (err) => broadcast({ type: "model_failed", reason: errorMessage(err) }),
  );
  const skipDrain = await Promise.race([stop, crash.then(() => null)]);
  if (skipDrain === null) {
    await (watch as ModelWatch | null)?.stop();
    return terminate(workers, 1);
  }
  await loading.catch(() => {});
  await (watch as ModelWatch | null)?.stop();
  logger.info("shutdown_started", { drain_delay_s: skipDrain ? 0 : config.drainDelaySeconds });
  broadcast({ type: "drain" });
  if (!skipDrain) await sleep(config.drainDelaySeconds * 1000);
  broadcast({ type: "shutdown" });
  return terminate(workers, await finish(Promise.all(closed), config, logger));
}

function freePort(hostname: string): number {
  const listener = Deno.listen({ hostname, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function terminate(workers: Worker[], code: number): number {
  for (const w of workers) w.terminate();
  return code;
}

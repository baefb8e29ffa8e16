/**
 * Runs the backend: one instance in this thread (`WORKERS=1`), or a
 * {@link WorkerPool} of N Web Workers sharing the port. Either way this
 * module loads the model once, follows the registry's aliases, and runs the
 * one shutdown sequence below.
 *
 * Shutdown on SIGTERM, in this order (RELIABILITY R1.5): `/ready` turns 503;
 * requests are still served for DRAIN_DELAY_S while Kubernetes removes the pod
 * from its endpoints; the listener closes and in-flight requests finish; past
 * SHUTDOWN_DEADLINE_S the process exits anyway (code 1). A clean stop exits 0.
 * SIGINT (Ctrl-C) skips the drain delay: nobody routes traffic to a laptop.
 */
import type { Config } from "../config.ts";
import type { Detector } from "../detector/mod.ts";
import type { ModelStatus } from "../predict/state.ts";
import type { CanaryStatus } from "../mlops/canary_router.ts";
import type { MetricsSnapshot } from "../metrics/metrics.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import { type Serving, SingleInstance } from "./serving.ts";
import { WorkerPool } from "./worker_pool.ts";
import { ProbeBoard } from "./probe_board.ts";
import { type ProbeListener, startProbeListener } from "./probe_listener.ts";

/** Where {@link ModelLoader.watch} reports alias changes. */
export interface ModelUpdates {
  /** The champion moved: serve `detector` (its artifact text is for workers). */
  champion(detector: Detector, artifact: string): void;
  /** The challenger was set, moved (detector) or removed (null). */
  challenger(detector: Detector | null, artifact: string | null): void;
  /** Which champion is intended and which serves changed. */
  status(status: ModelStatus): void;
  /**
   * The canary or its health changed; `detector` and `artifact` when it moved to a new version.
   * Absent (the stream scorer): the canary alias is not followed.
   */
  canary?(status: CanaryStatus, detector: Detector | null, artifact: string | null): void;
  /** Every serving instance's metrics (the canary guard sums them); needed with `canary`. */
  snapshots?(): Promise<MetricsSnapshot[]>;
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
  /**
   * Follow the registry's aliases once `served` is loaded, or after the load
   * failed (null: keep trying until the alias names a loadable version).
   * Absent: the model never changes.
   */
  watch?(served: Detector | null, updates: ModelUpdates): ModelWatch;
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

/** Serve until stopped; resolves with the process exit code. */
export async function runServer(options: RunServerOptions): Promise<number> {
  const { config, logger, model } = options;
  const stop = options.stopSignal ?? signalStop();
  const identity = `${config.podName}:${Deno.pid}`;
  let watch: ModelWatch | null = null;
  const refreshModels = () => watch?.poll() ?? Promise.resolve();
  // The probe listener answers the kubelet from its own thread (PROBE_PORT; see probe_listener.ts).
  const probeBoard = config.probePort === null ? undefined : new ProbeBoard(config.workers);
  const withBoard = probeBoard ? { probeBoard } : {};
  const serving: Serving = config.workers === 1
    ? new SingleInstance({ config, logger, servedBy: identity, refreshModels, ...withBoard })
    : new WorkerPool({
      config,
      logger,
      identity,
      encode: (d) => model.encode(d),
      refreshModels,
      ...withBoard,
    });
  // A crash (cannot listen, a worker threw) is logged where it happens and ends the process.
  const crashed = serving.crashed.then((code) => ({ crashed: code }));

  let probes: ProbeListener | null = null;
  let probePort: number | null = null;
  if (probeBoard) {
    probes = startProbeListener(probeBoard, { hostname: config.host, port: config.probePort! });
    try {
      probePort = await probes.listening;
    } catch (err) {
      logger.error("listen_failed", {
        host: config.host,
        port: config.probePort,
        error: errorMessage(err),
      });
      await probes.close();
      return 1;
    }
  }
  const closeProbes = () => probes?.close() ?? Promise.resolve();

  serving.start();
  const addr = await Promise.race([serving.listening, crashed]);
  if ("crashed" in addr) return await stopNow(serving, addr.crashed, closeProbes);
  logger.info("listening", {
    host: addr.hostname,
    port: addr.port,
    workers: config.workers,
    ...(probePort === null ? {} : { probe_port: probePort }),
  });
  options.onListen?.(addr.port);

  const updates: ModelUpdates = {
    champion: (d, artifact) => serving.setModel(d, artifact),
    challenger: (d, artifact) => serving.setChallenger(d, artifact),
    status: (status) => serving.setModelStatus(status),
    canary: (status, detector, artifact) => serving.setCanary(status, detector, artifact),
    snapshots: () => serving.snapshots(),
  };
  let stopping = false;
  const loading = model.load().then(
    (detector) => {
      serving.setModel(detector);
      if (!stopping) watch = model.watch?.(detector, updates) ?? null;
    },
    (err) => {
      serving.modelFailed(errorMessage(err));
      // Not ready, but not given up: the watch serves the champion once it can be loaded.
      if (!stopping) watch = model.watch?.(null, updates) ?? null;
    },
  );
  const stopped = await Promise.race([stop.then((skipDrain) => ({ skipDrain })), crashed]);
  stopping = true;
  if ("crashed" in stopped) {
    await (watch as ModelWatch | null)?.stop();
    return await stopNow(serving, stopped.crashed, closeProbes);
  }

  const { skipDrain } = stopped;
  await loading.catch(() => {});
  logger.info("shutdown_started", { drain_delay_s: skipDrain ? 0 : config.drainDelaySeconds });
  await (watch as ModelWatch | null)?.stop();
  serving.drain();
  if (!skipDrain) await sleep(config.drainDelaySeconds * 1000);
  // The probes answer through the drain (/ready 503, /health 200) and close with the listener.
  return await stopNow(serving, await finish(serving.shutdown(), config, logger), closeProbes);
}

/** Wait for `closed` up to `SHUTDOWN_DEADLINE_S`: exit code 0 when it came first, 1 otherwise. */
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

async function stopNow(
  serving: Serving,
  code: number,
  closeProbes: () => Promise<void>,
): Promise<number> {
  serving.terminate();
  await closeProbes();
  return code;
}

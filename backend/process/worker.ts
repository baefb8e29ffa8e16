/**
 * A server worker (`WORKERS` > 1): one instance on the shared port, driven
 * by the primary's {@link WorkerPool} through the messages of
 * `_worker_protocol.ts`. The worker never trains: it decodes the artifact
 * text it is sent. Its `/metrics` and its admin calls go through the
 * primary, which alone sees every worker and the registry's watch.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { type FromWorker, PendingCalls, type ToWorker } from "./_worker_protocol.ts";
import type { Config } from "../config.ts";
import type { Detector } from "../detector/mod.ts";
import { createLogger } from "../../lib/logger.ts";
import { snapshotMetrics } from "../metrics/metrics.ts";
import { decodeDetector } from "./model_codec.ts";
import { type Instance, startInstance } from "./instance.ts";
import { ProbeBoard } from "./probe_board.ts";

let instance: Instance | null = null;
let workerIndex = 0;
let config: Config | null = null;
/** The first model, decoded and waiting for "ready". */
let loaded: Detector | null = null;
const collecting = new PendingCalls<string>();
const refreshing = new PendingCalls<void>();

function send(message: FromWorker): void {
  self.postMessage(message);
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case "start": {
      workerIndex = msg.index;
      config = msg.config;
      const logger = createLogger({ served_by: msg.servedBy, worker: msg.index }, {
        level: msg.config.logLevel,
      });
      instance = startInstance({
        config: msg.config,
        logger,
        servedBy: msg.servedBy,
        reusePort: true,
        // An admin call on this worker: the primary re-reads the aliases and sends what moved.
        refreshModels: () => refreshing.call((id) => send({ type: "refresh", id })),
        processStartTimeSeconds: msg.processStartTimeSeconds,
        // A scrape on this worker: the primary answers with the sum over every worker.
        collectMetrics: () => collecting.call((id) => send({ type: "collect", id })),
        ...(msg.probeBoard ? { probeSlot: new ProbeBoard(msg.probeBoard).slot(msg.index) } : {}),
      });
      const addr = await instance.listening;
      send({ type: "listening", index: msg.index, hostname: addr.hostname, port: addr.port });
      break;
    }
    case "model": {
      const detector = decodeDetector(msg.artifact, {
        ratedCurrent: config!.ratedCurrent,
        source: msg.source,
        ...(msg.artifactPath ? { artifact: msg.artifactPath } : {}),
        ...(msg.createdAt ? { createdAt: msg.createdAt } : {}),
        ...(msg.warning ? { warning: msg.warning } : {}),
      });
      if (instance?.state.detector) {
        // A new champion (promotion or rollback): serve it at once; every request is
        // answered by the old or the new model, never by none.
        instance.state.setReady(detector);
        break;
      }
      // The first model is decoded now and served only once every worker has it ("ready"):
      // a pod whose /ready answered 200 from one worker must not answer 503 from another.
      // Announced once: a newer champion arriving before "ready" only replaces `loaded`.
      if (loaded === null) send({ type: "model_loaded", index: workerIndex });
      loaded = detector;
      break;
    }
    case "challenger":
      instance?.lifecycle.setChallenger(
        msg.artifact === null ? null : decodeDetector(msg.artifact, {
          ratedCurrent: config!.ratedCurrent,
          source: msg.source ?? "challenger",
        }),
      );
      break;
    case "canary": {
      const router = instance?.lifecycle.canary;
      if (!router) break;
      const detector = msg.artifact === null ? router.canary : decodeDetector(msg.artifact, {
        ratedCurrent: config!.ratedCurrent,
        source: msg.source ?? "canary",
      });
      router.apply(msg.status, detector);
      break;
    }
    case "refreshed":
      refreshing.settle(msg.id, undefined);
      break;
    case "ready":
      if (instance && loaded) instance.state.setReady(loaded);
      break;
    case "model_failed":
      instance?.state.setFailed(msg.reason);
      break;
    case "model_status":
      instance?.state.setModelStatus(msg.status);
      break;
    case "snapshot":
      if (instance) {
        send({
          type: "snapshot",
          id: msg.id,
          data: await snapshotMetrics(instance.metrics.registry),
        });
      }
      break;
    case "collected":
      collecting.settle(msg.id, msg.text);
      break;
    case "drain":
      instance?.state.startDraining();
      break;
    case "shutdown":
      await instance?.close();
      send({ type: "closed", index: workerIndex });
      break;
  }
};

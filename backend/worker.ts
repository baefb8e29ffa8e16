/**
 * A server worker (`WORKERS` > 1): one instance on the shared port. The
 * primary trains or loads the model once and sends the artifact here; scrapes
 * of `/metrics` are answered with the sum over every worker, fetched through
 * the primary.
 */
/// <reference lib="deno.worker" />
import type { FromWorker, ToWorker } from "./_worker_protocol.ts";
import type { Config } from "./config.ts";
import type { Detector } from "./detector/types.ts";
import { createLogger } from "./logger.ts";
import { snapshotMetrics } from "./metrics.ts";
import { decodeDetector } from "./model_codec.ts";
import { type Instance, startInstance } from "./instance.ts";

let instance: Instance | null = null;
let workerIndex = 0;
let config: Config | null = null;
let loaded: Detector | null = null;
let nextId = 0;
const pending = new Map<number, (text: string) => void>();
const refreshing = new Map<number, () => void>();

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
        refreshModels: () =>
          new Promise<void>((resolve) => {
            const id = nextId++;
            refreshing.set(id, resolve);
            send({ type: "refresh", id });
          }),
        processStartTimeSeconds: msg.processStartTimeSeconds,
        collectMetrics: () =>
          new Promise<string>((resolve) => {
            const id = nextId++;
            pending.set(id, resolve);
            send({ type: "collect", id });
          }),
      });
      const addr = await instance.listening;
      send({ type: "listening", index: msg.index, port: addr.port });
      break;
    }
    case "model": {
      const detector = decodeDetector(msg.artifact, {
        ratedCurrent: config!.ratedCurrent,
        source: msg.source,
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
    case "refreshed":
      refreshing.get(msg.id)?.();
      refreshing.delete(msg.id);
      break;
    case "ready":
      if (instance && loaded) instance.state.setReady(loaded);
      break;
    case "model_failed":
      instance?.state.setFailed(msg.reason);
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
      pending.get(msg.id)?.(msg.text);
      pending.delete(msg.id);
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

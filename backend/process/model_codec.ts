/**
 * Glue between the server and the detector: load the champion from the
 * registry in `MODEL_DIR` (or, on a store without one, load or train the
 * single artifact as before, register it and make it the champion), follow
 * the registry's aliases afterwards (also after a failed start: the replica
 * becomes ready once the alias names a loadable version), and move models to
 * workers as artifact text so they never retrain.
 */
import type { Config } from "../config.ts";
import {
  artifactFormat,
  type Detector,
  Model,
  parseAnyArtifact,
  serializeAnyArtifact,
  TEMPORAL_FORMAT,
  TemporalModel,
} from "../detector/mod.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import { loadModel, shownArtifactPath } from "../store/model_store.ts";
import { loadTemporalModel } from "../store/temporal_store.ts";
import {
  type AliasName,
  AliasWatcher,
  chooseChampion,
  ModelRegistry,
  shortVersion,
  versionHex,
} from "../store/registry/mod.ts";
import type { ModelLoader } from "./server.ts";
import { CanaryRollback } from "./canary_rollback.ts";

/**
 * Where a model loaded through an alias came from: its version's artifact as
 * responses show it (`models/versions/<hex>.json`) and the `source` naming it,
 * e.g. "loaded from artifact models/versions/<hex>.json (champion)".
 */
function aliasOrigin(
  dir: string,
  alias: AliasName,
  version: string,
): { source: string; artifact: string } {
  const artifact = shownArtifactPath(
    `${dir.replace(/\/+$/, "")}/versions`,
    `${versionHex(version)}.json`,
  );
  return { source: `loaded from artifact ${artifact} (${alias})`, artifact };
}

/** Whether `path` holds a temporal model's artifact (false when absent or unreadable). */
async function isTemporalArtifact(path: string): Promise<boolean> {
  try {
    return artifactFormat(await Deno.readTextFile(path)) === TEMPORAL_FORMAT;
  } catch {
    return false;
  }
}

/** Why alias changes cannot apply to a replica serving `MODEL_NAME`'s temporal artifact. */
export const PINNED_TEMPORAL = "this replica serves the temporal artifact MODEL_NAME names, " +
  "which no alias replaces; register it with deno task train --detector temporal --register " +
  "--alias champion and unset MODEL_NAME to serve it through the registry";

/**
 * The model loader the server uses, reading and writing `config.modelDir`.
 *
 * Once the registry has a champion alias (or its history), the alias alone
 * decides what serves (see `AliasWatcher`): the service never trains or
 * loads `MODEL_NAME` on its own then. Before that (a fresh store), it loads
 * or trains `MODEL_NAME` as before, registers it and makes it the champion;
 * a registration that fails (full or read-only store) is retried on every
 * poll.
 */
export function createModelLoader(config: Config, logger: Logger): ModelLoader {
  const registry = new ModelRegistry(config.modelDir, { retention: config.modelRetention });
  let pinned = false;
  let unregistered: Model | null = null;
  const describe = (alias: AliasName, version: string) =>
    aliasOrigin(config.modelDir, alias, version);
  const loadVersion = (version: string) =>
    registry.loadVersion(version, {
      ...describe("champion", version),
      ratedCurrent: config.ratedCurrent,
    });

  async function register(model: Model, source: string): Promise<boolean> {
    try {
      // The model loaded or trained becomes a version and, on a store without one, the
      // champion; another replica may win the race with the same version.
      const registered = await registry.register(model, {
        source,
        ...(model.info.createdAt ? { createdAt: model.info.createdAt } : {}),
      });
      const champion = await registry.setAliasIfAbsent(
        "champion",
        model.contentHash,
        `startup (${config.podName})`,
      );
      logger.info("model_registered", {
        version: model.info.version,
        new_version: registered.created,
        champion,
        pruned: registered.pruned.map(shortVersion),
      });
      return true;
    } catch (err) {
      // Serving beats failing: e.g. a full or read-only MODEL_DIR. Retried on every poll.
      logger.warn("model_register_failed", { error: errorMessage(err), retry: "every poll" });
      return false;
    }
  }

  return {
    async load() {
      const start = performance.now();
      const strays = await registry.removeStrayTemps().catch(() => 0);
      if (strays > 0) logger.info("model_store_temp_files_removed", { count: strays });
      if (config.detector === "temporal_window") {
        // DETECTOR=temporal_window serves (or trains) its own artifact, like a temporal MODEL_NAME:
        // alias changes are refused while it serves.
        pinned = true;
        const { model, source } = await loadTemporalModel({
          dir: config.modelDir,
          name: config.modelName,
          trainIfMissing: config.trainIfMissing,
          seed: config.model.seed,
          logger,
          ratedCurrent: config.ratedCurrent,
        });
        logger.info("model_ready", {
          version: model.info.version,
          source,
          threshold: model.info.threshold,
          duration_ms: Math.round(performance.now() - start),
        });
        return model;
      }
      // A temporal artifact named by MODEL_NAME is served from its file, as
      // `deno task train --detector temporal` says; alias changes are refused while it serves.
      if (await isTemporalArtifact(`${config.modelDir}/${config.modelName}`)) {
        pinned = true;
      } else {
        const status = await registry.aliasStatus("champion").catch((err) => {
          throw new Error(`Cannot read the model registry in MODEL_DIR: ${errorMessage(err)}`);
        });
        if (status.record || status.problem) {
          const choice = await chooseChampion(status, null, loadVersion);
          if (!choice.load) throw new Error(choice.reason ?? "No champion can be served");
          const model = choice.load.model;
          if (choice.fallback) {
            logger.error("model_version_unusable", { alias: "champion", reason: choice.reason });
          }
          logger.info("model_ready", {
            version: model.info.version,
            source: model.info.source,
            threshold: model.info.threshold,
            duration_ms: Math.round(performance.now() - start),
          });
          return model;
        }
      }
      const { model, source } = await loadModel({
        dir: config.modelDir,
        name: config.modelName,
        config: config.model,
        trainIfMissing: config.trainIfMissing,
        logger,
        ratedCurrent: config.ratedCurrent,
      });
      logger.info("model_ready", {
        version: model.info.version,
        source,
        ...(model.info.warning ? { warning: model.info.warning } : {}),
        threshold: model.info.threshold,
        duration_ms: Math.round(performance.now() - start),
      });
      if (!(model instanceof Model)) {
        logger.info("model_not_registered", {
          version: model.info.version,
          reason: "served from its artifact (MODEL_NAME)",
        });
        return model;
      }
      if (!(await register(model, source))) unregistered = model;
      return model;
    },
    watch(served, updates) {
      if (pinned) {
        updates.status({
          intended: null,
          serving: served && "contentHash" in served ? String(served.contentHash) : null,
          matches: served !== null,
          reason: null,
          fallbacks: 0,
          pinned: PINNED_TEMPORAL,
        });
        return { poll: () => Promise.resolve(), stop: () => Promise.resolve() };
      }
      // The canary guard judges what this replica's workers answered and rolls the alias back.
      const { canary, snapshots } = updates;
      const guard: CanaryRollback | null = canary && snapshots
        ? new CanaryRollback({
          registry,
          logger,
          settings: config.canary,
          snapshots,
          publish: (status, loaded) => canary(status, loaded?.model ?? null, loaded?.text ?? null),
          poll: () => watcher.poll(),
        })
        : null;
      const watcher: AliasWatcher = new AliasWatcher({
        registry,
        logger,
        intervalMs: config.modelPollSeconds * 1000,
        ratedCurrent: config.ratedCurrent,
        describe,
        onChampion: ({ model, text }) => updates.champion(model, text),
        onChallenger: (loaded) => updates.challenger(loaded?.model ?? null, loaded?.text ?? null),
        ...(guard ? { onCanary: guard.assign.bind(guard) } : {}),
        onStatus: (status) => updates.status({ ...status, pinned: null }),
        ...(unregistered
          ? {
            retry: () =>
              register(unregistered!, unregistered!.info.source).then((done) => {
                if (done) unregistered = null;
                return done;
              }),
          }
          : {}),
      }, served instanceof Model || served instanceof TemporalModel ? served.contentHash : null);
      watcher.start();
      guard?.start();
      return {
        poll: () => watcher.poll(),
        stop: async () => {
          await guard?.stop();
          await watcher.stop();
        },
      };
    },
    encode(detector) {
      if (!(detector instanceof Model || detector instanceof TemporalModel)) {
        throw new TypeError("Only trained models can be sent to workers");
      }
      return serializeAnyArtifact(detector);
    },
  };
}

/** Rebuild a model from artifact text in a worker. */
export function decodeDetector(
  artifact: string,
  options: {
    ratedCurrent: number;
    source: string;
    artifact?: string;
    createdAt?: string;
    warning?: string;
  },
): Detector {
  return parseAnyArtifact(artifact, options);
}

/**
 * Glue between the server and the detector: load the champion from the
 * registry in `MODEL_DIR` (or, on a store without one, load or train the
 * single artifact as before, register it and make it the champion), follow
 * the registry's aliases afterwards, and move models to workers as artifact
 * text so they never retrain.
 */
import type { Config } from "../config.ts";
import {
  artifactFormat,
  type Detector,
  Model,
  parseAnyArtifact,
  parseArtifact,
  serializeAnyArtifact,
  TEMPORAL_FORMAT,
  TemporalModel,
} from "../detector/mod.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import { loadModel, shownArtifactPath } from "../store/model_store.ts";
import {
  type AliasName,
  AliasWatcher,
  ModelRegistry,
  shortVersion,
  versionHex,
} from "../store/registry/mod.ts";
import type { ModelLoader } from "./server.ts";

function sameConfig(a: Model["info"]["config"], b: Model["info"]["config"]): boolean {
  return a.contamination === b.contamination && a.nEstimators === b.nEstimators &&
    a.sampleSize === b.sampleSize && a.seed === b.seed && a.trainingSize === b.trainingSize;
}

/** The champion of the registry, or null when unset or unusable (logged). */
async function loadChampion(
  registry: ModelRegistry,
  config: Config,
  logger: Logger,
): Promise<Model | null> {
  let alias;
  try {
    alias = await registry.getAlias("champion");
  } catch (err) {
    logger.warn("model_registry_unreadable", { error: errorMessage(err) });
    return null;
  }
  if (!alias) return null;
  try {
    const text = await registry.readArtifact(alias.version);
    if (text === null) throw new Error("its artifact is missing");
    const meta = await registry.meta(alias.version);
    const model = parseArtifact(text, {
      ...aliasOrigin(config.modelDir, "champion", alias.version),
      ...(meta?.created_at ? { createdAt: meta.created_at } : {}),
      ratedCurrent: config.ratedCurrent,
    });
    if (!sameConfig(model.info.config, config.model)) {
      // The registry decides what serves; the environment's model settings only say what to
      // train when the store has no champion.
      logger.info("champion_config_differs", {
        version: model.info.version,
        champion_config: model.info.config,
        env_config: config.model,
      });
    }
    return model;
  } catch (err) {
    logger.error("model_version_unusable", {
      alias: "champion",
      version: shortVersion(alias.version),
      reason: errorMessage(err),
    });
    return null;
  }
}

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

/** The model loader the server uses, reading and writing `config.modelDir`. */
export function createModelLoader(config: Config, logger: Logger): ModelLoader {
  const registry = new ModelRegistry(config.modelDir, { retention: config.modelRetention });
  return {
    async load() {
      const start = performance.now();
      // The registry holds isolation forests. A temporal artifact named by MODEL_NAME is served
      // from its file, as `deno task train --detector temporal` says, and no alias replaces it.
      const temporal = await isTemporalArtifact(`${config.modelDir}/${config.modelName}`);
      const champion = temporal ? null : await loadChampion(registry, config, logger);
      if (champion) {
        logger.info("model_ready", {
          version: champion.info.version,
          source: champion.info.source,
          threshold: champion.info.threshold,
          duration_ms: Math.round(performance.now() - start),
        });
        return champion;
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
          reason: "the registry stores isolation forests; this model serves from its artifact",
        });
        return model;
      }
      try {
        // An existing single artifact (or the model just trained) becomes a version and, on a
        // store without one, the champion; another replica may win the race with the same version.
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
      } catch (err) {
        // Serving beats failing: e.g. a read-only MODEL_DIR.
        logger.warn("model_register_failed", { error: errorMessage(err) });
      }
      return model;
    },
    watch(served, updates) {
      if (served instanceof TemporalModel) {
        // Aliases name forests; following them would swap the temporal model for one.
        return { poll: () => Promise.resolve(), stop: () => Promise.resolve() };
      }
      const watcher = new AliasWatcher({
        registry,
        logger,
        intervalMs: config.modelPollSeconds * 1000,
        ratedCurrent: config.ratedCurrent,
        describe: (alias, version) => aliasOrigin(config.modelDir, alias, version),
        onChampion: ({ model, text }) => updates.champion(model, text),
        onChallenger: (loaded) => updates.challenger(loaded?.model ?? null, loaded?.text ?? null),
      }, served instanceof Model ? served.contentHash : null);
      watcher.start();
      return { poll: () => watcher.poll(), stop: () => watcher.stop() };
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

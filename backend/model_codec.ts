/**
 * Glue between the server and the detector: load the champion from the
 * registry in `MODEL_DIR` (or, on a store without one, load or train the
 * single artifact as before, register it and make it the champion), follow
 * the registry's aliases afterwards, and move models to workers as artifact
 * text so they never retrain.
 */
import type { Config } from "./config.ts";
import { parseArtifact, serializeArtifact } from "./detector/artifact.ts";
import { Model } from "./detector/model.ts";
import type { Detector } from "./detector/types.ts";
import type { Logger } from "./logger.ts";
import { loadModel, shownArtifactPath } from "./model_store.ts";
import { AliasWatcher } from "./registry/alias_watcher.ts";
import { type AliasName, ModelRegistry } from "./registry/registry.ts";
import { shortVersion, versionHex } from "./registry/version_id.ts";
import type { ModelLoader } from "./server.ts";

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

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
    logger.warn("model_registry_unreadable", { error: errorText(err) });
    return null;
  }
  if (!alias) return null;
  try {
    const text = await registry.readArtifact(alias.version);
    if (text === null) throw new Error("its artifact is missing");
    const meta = await registry.meta(alias.version);
    const model = parseArtifact(text, {
      source: sourceFor(config.modelDir, "champion", alias.version),
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
      reason: errorText(err),
    });
    return null;
  }
}

/** `source` of a model loaded through an alias, e.g. "loaded from artifact models/versions/<hex>.json (champion)". */
function sourceFor(dir: string, alias: AliasName, version: string): string {
  const path = shownArtifactPath(
    `${dir.replace(/\/+$/, "")}/versions`,
    `${versionHex(version)}.json`,
  );
  return `loaded from artifact ${path} (${alias})`;
}

/** The model loader the server uses, reading and writing `config.modelDir`. */
export function createModelLoader(config: Config, logger: Logger): ModelLoader {
  const registry = new ModelRegistry(config.modelDir, { retention: config.modelRetention });
  return {
    async load() {
      const start = performance.now();
      const champion = await loadChampion(registry, config, logger);
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
        logger.warn("model_register_failed", { error: errorText(err) });
      }
      return model;
    },
    watch(served, updates) {
      const watcher = new AliasWatcher({
        registry,
        logger,
        intervalMs: config.modelPollSeconds * 1000,
        ratedCurrent: config.ratedCurrent,
        describe: (alias, version) => sourceFor(config.modelDir, alias, version),
        onChampion: ({ model, text }) => updates.champion(model, text),
        onChallenger: (loaded) => updates.challenger(loaded?.model ?? null, loaded?.text ?? null),
      }, served instanceof Model ? served.contentHash : null);
      watcher.start();
      return { poll: () => watcher.poll(), stop: () => watcher.stop() };
    },
    encode(detector) {
      if (!(detector instanceof Model)) {
        throw new TypeError("Only trained models can be sent to workers");
      }
      return serializeArtifact(detector);
    },
  };
}

/** Rebuild a model from artifact text in a worker. */
export function decodeDetector(
  artifact: string,
  options: { ratedCurrent: number; source: string; createdAt?: string; warning?: string },
): Detector {
  return parseArtifact(artifact, options);
}

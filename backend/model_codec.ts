/**
 * Glue between the server and the detector: load (or train) the model from
 * `MODEL_DIR` once, and move it to workers as artifact text so they never
 * retrain.
 */
import type { Config } from "./config.ts";
import { parseAnyArtifact, serializeAnyArtifact } from "./detector/any_artifact.ts";
import { Model } from "./detector/model.ts";
import { TemporalModel } from "./detector/temporal.ts";
import type { Detector } from "./detector/types.ts";
import type { Logger } from "./logger.ts";
import { loadModel } from "./model_store.ts";
import type { ModelLoader } from "./server.ts";

/** The model loader the server uses, reading and writing `config.modelDir`. */
export function createModelLoader(config: Config, logger: Logger): ModelLoader {
  return {
    async load() {
      const start = performance.now();
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
      return model;
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
  options: { ratedCurrent: number; source: string; createdAt?: string; warning?: string },
): Detector {
  return parseAnyArtifact(artifact, options);
}

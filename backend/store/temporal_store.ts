/**
 * Loading the temporal model when the service is configured to serve one
 * (`DETECTOR=temporal_window`): the artifact `MODEL_DIR/MODEL_NAME` when it
 * holds a temporal model; when it is missing, the model trained on the
 * simulated fleet (`detector/fleet_training.ts`) with `TRAIN_IF_MISSING`,
 * written atomically for the next start. An artifact that is damaged or holds
 * another detector is never replaced: loading throws saying why, and the
 * service stays up and not ready.
 */
import { parseAnyArtifact, TemporalModel, trainFleetTemporal } from "../detector/mod.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import { type LoadedModel, shownArtifactPath, writeArtifactOrWarn } from "./model_store.ts";

/** Options for {@link loadTemporalModel}. */
export interface LoadTemporalOptions {
  dir: string;
  name: string;
  trainIfMissing: boolean;
  /** Seed of the simulated fleet to train on (`SEED`). */
  seed: number;
  logger: Logger;
  ratedCurrent?: number;
}

/** Load the temporal artifact, or train and write one when it is missing; throws saying why not. */
export async function loadTemporalModel(options: LoadTemporalOptions): Promise<LoadedModel> {
  const { dir, name, logger } = options;
  const path = `${dir.replace(/\/+$/, "")}/${name}`;
  const shown = shownArtifactPath(dir, name);
  let text: string | null = null;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      throw new Error(`Cannot read the temporal model artifact ${shown}: ${errorMessage(err)}`);
    }
  }
  const rated = options.ratedCurrent !== undefined ? { ratedCurrent: options.ratedCurrent } : {};
  if (text !== null) {
    let model;
    try {
      model = parseAnyArtifact(text, { source: `loaded from artifact ${shown}`, ...rated });
    } catch (err) {
      throw new Error(
        `Model artifact ${shown} is unusable (${errorMessage(err)}); DETECTOR=temporal_window ` +
          `never replaces it: move it away to train a new one, or set MODEL_NAME to another file`,
      );
    }
    if (!(model instanceof TemporalModel)) {
      throw new Error(
        `Model artifact ${shown} holds a ${model.info.name} model but DETECTOR is ` +
          `temporal_window: set MODEL_NAME to a temporal artifact (or another file name to train ` +
          `one), or DETECTOR=isolation_forest`,
      );
    }
    logger.info("model_loaded", { path, version: model.info.version, detector: model.info.name });
    return { model, source: model.info.source };
  }
  logger.info("model_artifact_missing", { path });
  if (!options.trainIfMissing) {
    throw new Error(
      `No model artifact at ${shown} and TRAIN_IF_MISSING is off: run ` +
        `"deno task train --detector temporal" or set TRAIN_IF_MISSING=1`,
    );
  }
  const source = `trained at startup on a simulated fleet day: no artifact at ${shown}`;
  const started = performance.now();
  const model = trainFleetTemporal({
    seed: options.seed,
    source,
    createdAt: new Date().toISOString(),
    ...rated,
  });
  logger.info("model_trained", {
    version: model.info.version,
    detector: model.info.name,
    threshold: model.threshold,
    duration_ms: Math.round(performance.now() - started),
  });
  await writeArtifactOrWarn(model, { dir, name }, path, logger);
  return { model, source };
}

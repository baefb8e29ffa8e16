/**
 * Model artifacts on disk: load a valid artifact whose config matches, else
 * train (when allowed) and write one. An artifact the service did not make
 * (`deno task train`, a mounted file) is never replaced: on a config mismatch
 * it is served as it is, with a warning, and an ownership record beside the
 * artifact (`.<name>.trained-by-service`, holding its content hash) is how the
 * service knows which artifacts it made. Writes are atomic (a uniquely named
 * temp file in the same directory, then rename), so replicas sharing a
 * volume never see a half-written file; a corrupt artifact is moved aside,
 * not deleted, so it can be inspected.
 */
import {
  type AnyModel,
  FEATURES,
  Model,
  MODEL_SETTINGS,
  type ModelConfig,
  parseAnyArtifact,
  sameModelConfig,
  serializeAnyArtifact,
  trainModel,
} from "../detector/mod.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import { artifactProblem } from "./registry/mod.ts";

/** Options for {@link loadModel}. */
export interface LoadModelOptions {
  /** Directory of the artifact (`MODEL_DIR`); created when missing. */
  dir: string;
  /** Artifact file name (`MODEL_NAME`). */
  name: string;
  /** The config the service wants; an artifact with another config is not used. */
  config: ModelConfig;
  /** Train when no usable artifact exists (`TRAIN_IF_MISSING`); otherwise throw. */
  trainIfMissing: boolean;
  logger: Logger;
  /** Rated current in amperes for reasons (`RATED_CURRENT`). */
  ratedCurrent?: number;
}

/** A loaded or freshly trained model and how it was obtained. */
export interface LoadedModel {
  /** The forest the service trains, or whatever detector a user trained and put there. */
  model: AnyModel;
  /** Also in `model.info.source`, e.g. "loaded from artifact models/isolation_forest.json". */
  source: string;
}

/** Options for {@link writeArtifact}. */
export interface WriteArtifactOptions {
  /** Directory to write to; created when missing. */
  dir: string;
  /** File name inside `dir`. */
  name: string;
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
}

/**
 * How responses name the artifact: `dir/name` for a plain relative `MODEL_DIR`
 * (`models/isolation_forest.json`), else only the file name, so no absolute
 * path of the host or container reaches a client (logs keep the full path).
 */
export function shownArtifactPath(dir: string, name: string): string {
  const relative = dir !== "" && !dir.startsWith("/") && !dir.startsWith("~") &&
    !/^[A-Za-z]:[\\/]/.test(dir) && !dir.split(/[\\/]/).includes("..");
  return relative ? joinPath(dir, name) : name;
}

function configOf(c: ModelConfig): ModelConfig {
  const { contamination, nEstimators, sampleSize, seed, trainingSize } = c;
  return { contamination, nEstimators, sampleSize, seed, trainingSize };
}

/**
 * Write `model`'s artifact atomically: a temp file named with the pid and a
 * random suffix in the target directory, flushed, then renamed over the
 * target. Returns the path written.
 */
export async function writeArtifact(
  model: AnyModel,
  options: WriteArtifactOptions,
): Promise<string> {
  const path = joinPath(options.dir, options.name);
  await Deno.mkdir(options.dir, { recursive: true });
  const random = crypto.getRandomValues(new Uint32Array(2));
  const temp = joinPath(
    options.dir,
    `.${options.name}.tmp-${Deno.pid}-${random[0].toString(16)}${random[1].toString(16)}`,
  );
  try {
    const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o644 });
    try {
      const bytes = new TextEncoder().encode(serializeAnyArtifact(model));
      for (let written = 0; written < bytes.length;) {
        written += await file.write(bytes.subarray(written));
      }
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
  return path;
}

/**
 * Write a freshly trained model's artifact, logging the outcome; false when it could not be
 * written. Serving the trained model beats failing (e.g. on a read-only volume), so the caller
 * serves it either way.
 */
export async function writeArtifactOrWarn(
  model: AnyModel,
  place: { dir: string; name: string },
  path: string,
  logger: Logger,
): Promise<boolean> {
  try {
    await writeArtifact(model, place);
    logger.info("model_artifact_written", { path, version: model.info.version });
    return true;
  } catch (err) {
    logger.warn("model_write_failed", { path, error: errorMessage(err) });
    return false;
  }
}

type ReadResult =
  | { kind: "missing" }
  | { kind: "unreadable"; reason: string; ino: number | null }
  | { kind: "text"; text: string; ino: number | null; mtime: Date | null };

async function readArtifact(path: string): Promise<ReadResult> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { kind: "missing" };
    return { kind: "unreadable", reason: `cannot open it: ${errorMessage(err)}`, ino: null };
  }
  let ino: number | null = null;
  try {
    // Stat the open file, not the path: the identity must match the bytes read.
    const info = await file.stat();
    ino = info.ino;
    if (!info.isFile) {
      file.close();
      return { kind: "unreadable", reason: "it is not a regular file", ino };
    }
    const bytes = new Uint8Array(await new Response(file.readable).arrayBuffer());
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { kind: "text", text, ino, mtime: info.mtime };
  } catch (err) {
    try {
      file.close();
    } catch {
      // Already closed by the stream.
    }
    return { kind: "unreadable", reason: `cannot read it: ${errorMessage(err)}`, ino };
  }
}

/**
 * Move a bad artifact to `<name>.corrupt-<timestamp>`. Returns the new path,
 * "gone" when another replica already moved it, or "replaced" when the file
 * at `path` is no longer the one that was read (another replica wrote a new
 * one), so it must not be moved.
 */
async function moveAside(path: string, ino: number | null): Promise<string | "gone" | "replaced"> {
  try {
    // stat, not lstat: a ConfigMap-style symlink must compare by its target.
    const now = await Deno.stat(path);
    if (ino !== null && now.ino !== null && now.ino !== ino) return "replaced";
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "gone";
    throw err;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const target = `${path}.corrupt-${stamp}`;
  try {
    await Deno.rename(path, target);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "gone";
    throw err;
  }
  return target;
}

/** The file beside the artifact that records the content hash of the last artifact the service wrote. */
export function ownerRecordName(name: string): string {
  return `.${name}.trained-by-service`;
}

async function readOwner(dir: string, name: string): Promise<string | null> {
  try {
    return (await Deno.readTextFile(joinPath(dir, ownerRecordName(name)))).trim();
  } catch {
    return null;
  }
}

/** Record that the service wrote the artifact with `hash` (atomically, like the artifact). */
async function writeOwner(dir: string, name: string, hash: string): Promise<void> {
  const record = joinPath(dir, ownerRecordName(name));
  const temp = `${record}.tmp-${Deno.pid}-${crypto.getRandomValues(new Uint32Array(1))[0]}`;
  try {
    await Deno.writeTextFile(temp, `${hash}\n`, { createNew: true, mode: 0o644 });
    await Deno.rename(temp, record);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}

/** The settings where `artifact` differs from `wanted`, e.g. `CONTAMINATION 0.1 (configured 0.05)`. */
function configDifferences(artifact: ModelConfig, wanted: ModelConfig): string[] {
  return MODEL_SETTINGS.filter((s) => artifact[s.key] !== wanted[s.key]).map((s) =>
    `${s.env} ${artifact[s.key]} (configured ${wanted[s.key]})`
  );
}

/**
 * Load the model artifact `dir/name`, or train one:
 * - valid and same config: loaded;
 * - other config or features, made by this service (its ownership record
 *   holds the artifact's hash): logged as `model_config_mismatch`, retrained
 *   and written (throws instead when `trainIfMissing` is false);
 * - other config, not made by this service: logged, served as it is with
 *   `info.warning` saying so, never replaced; with other features it cannot
 *   be served, so this throws (the service stays up, not ready, saying why);
 * - corrupt or unreadable: moved aside to `<name>.corrupt-<timestamp>`,
 *   logged, retrained when `trainIfMissing`, otherwise throws saying why;
 * - missing: trained and written when `trainIfMissing`, otherwise throws.
 * A trained model that cannot be written is still returned (logged).
 */
export async function loadModel(options: LoadModelOptions): Promise<LoadedModel> {
  const { dir, name, config, trainIfMissing, logger, ratedCurrent } = options;
  const path = joinPath(dir, name);
  const shown = shownArtifactPath(dir, name);
  // OS errors quote the full path; what reaches /ready and /model names the artifact as shown.
  const scrub = (text: string) =>
    shown === path ? text : text.replaceAll(path, shown).replaceAll(dir, "MODEL_DIR");
  const started = performance.now();
  let why = `artifact ${shown} kept changing while it was read`;

  // A replica that finds the file replaced between reading and moving it retries.
  for (let attempt = 0; attempt < 3; attempt++) {
    const read = await readArtifact(path);
    if (read.kind === "missing") {
      logger.info("model_artifact_missing", { path });
      if (!trainIfMissing) {
        throw new Error(
          `No model artifact at ${shown} and TRAIN_IF_MISSING is off: run "deno task train" ` +
            "or set TRAIN_IF_MISSING=1",
        );
      }
      why = `no artifact at ${shown}`;
      break;
    }

    let reason: string;
    if (read.kind === "unreadable") {
      reason = read.reason;
    } else {
      try {
        const model = parseAnyArtifact(read.text, {
          source: `loaded from artifact ${shown}`,
          createdAt: read.mtime?.toISOString(),
          ratedCurrent,
        });
        const featuresMatch = model.features.length === FEATURES.length &&
          model.features.every((f, i) => f === FEATURES[i]);
        const forest = model instanceof Model;
        if (forest && sameModelConfig(model.info.config, config) && featuresMatch) {
          logger.info("model_loaded", {
            path,
            version: model.info.version,
            duration_ms: Math.round(performance.now() - started),
          });
          return { model, source: model.info.source };
        }
        const ours = (await readOwner(dir, name)) === model.contentHash;
        logger.warn("model_config_mismatch", {
          path,
          artifact_detector: model.info.name,
          artifact_config: forest ? configOf(model.info.config) : model.info.config,
          expected_config: configOf(config),
          artifact_features: model.features,
          expected_features: FEATURES,
          made_by_service: ours,
          action: ours ? (trainIfMissing ? "retrain" : "not_ready") : "serve_artifact_as_is",
        });
        if (!ours) {
          // Someone trained this on purpose (perhaps on data we do not have): never replace it.
          // Its features define what /predict accepts.
          const differences = [
            ...(forest
              ? configDifferences(model.info.config, config)
              : [`detector ${model.info.name} (configured isolation_forest)`]),
            ...(featuresMatch
              ? []
              : [`features ${model.features.join(",")} (configured ${FEATURES.join(",")})`]),
          ];
          const warning = `Model artifact ${shown} was not made by this service and differs ` +
            `from the configured model (${differences.join(", ")}); it is served as it ` +
            `is and never overwritten. To serve the configured model, move the file away or ` +
            `set MODEL_NAME to another file`;
          const source = `loaded from artifact ${shown} (not made by this service; ` +
            `${featuresMatch && forest ? "config differs" : "another model"})`;
          return { model: model.withOptions({ source, warning }), source };
        }
        if (!trainIfMissing) {
          throw new Error(
            `Model artifact ${shown} was trained with another config ` +
              `(${JSON.stringify(model.info.config)}, features ` +
              `${model.features.join(",")}) and TRAIN_IF_MISSING is off: retrain it with ` +
              `"deno task train" or set TRAIN_IF_MISSING=1`,
          );
        }
        why = `artifact ${shown} had another config`;
        break;
      } catch (err) {
        if (!(err instanceof TypeError || err instanceof RangeError)) throw err;
        // Never the parse error itself: it quotes the file, which may be a link to anything.
        reason = artifactProblem(err);
      }
    }

    const moved = await moveAside(path, read.ino).catch((err) => {
      logger.error("model_artifact_move_failed", { path, error: errorMessage(err) });
      return null;
    });
    if (moved === "replaced" || moved === "gone") continue;
    logger.error("model_artifact_corrupt", { path, reason, moved_to: moved });
    const where = moved ? `moved it to ${scrub(moved)}` : "could not move it aside";
    if (!trainIfMissing) {
      throw new Error(
        `Model artifact ${shown} is unusable (${scrub(reason)}); ${where}. ` +
          `TRAIN_IF_MISSING is off: run "deno task train" or set TRAIN_IF_MISSING=1`,
      );
    }
    why = `artifact ${shown} was unusable (${scrub(reason)}); ${where}`;
    break;
  }

  const source = `trained at startup: ${why}`;
  const trainStart = performance.now();
  const model = trainModel(config, {
    source,
    createdAt: new Date().toISOString(),
    ratedCurrent,
  });
  const evaluation = (model.info.training as { evaluation?: Record<string, unknown> }).evaluation;
  logger.info("model_trained", {
    version: model.info.version,
    config: configOf(config),
    threshold: model.threshold,
    roc_auc: evaluation?.rocAuc,
    duration_ms: Math.round(performance.now() - trainStart),
  });
  if (!await writeArtifactOrWarn(model, { dir, name }, path, logger)) return { model, source };
  // Without the record the next start treats the artifact as someone else's: it serves it
  // rather than replacing it on a config change, which is the safe side to err on.
  await writeOwner(dir, name, model.contentHash).catch((err) =>
    logger.warn("model_owner_record_failed", { path, error: errorMessage(err) })
  );
  return { model, source };
}

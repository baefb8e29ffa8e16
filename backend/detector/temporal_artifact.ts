/**
 * Reading and writing the temporal model's artifact. Reading validates every
 * field, the array sizes against the features and window, and the content
 * hash, throwing TypeError (wrong shape) or RangeError (wrong value) with a
 * message naming the field. Pure TypeScript.
 */
import {
  renderTemporalArtifact,
  TEMPORAL_FORMAT,
  TEMPORAL_FORMAT_VERSION,
} from "./_temporal_canonical.ts";
import { MAX_FEATURES } from "./isolation_forest.ts";
import {
  TemporalModel,
  type TemporalModelOptions,
  type TemporalParts,
  validateTemporalConfig,
} from "./temporal.ts";
import { STATS_PER_CHANNEL } from "./window_stats.ts";
import {
  checkContentHash,
  gridField,
  numbers,
  object,
  quote,
  readHeader,
  validConfig,
} from "./_artifact_fields.ts";

export { TEMPORAL_FORMAT, TEMPORAL_FORMAT_VERSION };

/** The artifact text of a temporal model: byte-identical for the same data and config. */
export function serializeTemporalArtifact(model: TemporalModel): string {
  return renderTemporalArtifact(model.parts, model.contentHash);
}

function names(value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value) || value.length > max) {
    throw new TypeError(`Artifact field ${field} must be an array of at most ${max} names`);
  }
  for (const name of value) {
    if (typeof name !== "string") {
      throw new TypeError(`Artifact field ${field} must hold strings, got ${quote(name)}`);
    }
  }
  if (new Set(value).size !== value.length) {
    throw new RangeError(`Artifact field ${field} must be unique`);
  }
  return value as string[];
}

const POSITIVE = { positive: true } as const;

/** Parse and validate temporal artifact text into a model. */
export function parseTemporalArtifact(
  text: string,
  options: TemporalModelOptions = {},
): TemporalModel {
  const { root, version } = readHeader(text, {
    format: TEMPORAL_FORMAT,
    formatVersion: TEMPORAL_FORMAT_VERSION,
    name: "temporal_window",
  });
  const features = names(root.features, "features", MAX_FEATURES);
  if (features.length === 0 || features.some((f) => f === "")) {
    throw new TypeError("Artifact field features must hold 1 or more non-empty names");
  }
  const rawConfig = object(root.config, "config");
  const config = validConfig(() =>
    validateTemporalConfig({
      window: rawConfig.window as number,
      contamination: rawConfig.contamination as number,
    })
  );
  const threshold = root.threshold;
  if (typeof threshold !== "number" || !(threshold > 0 && Number.isFinite(threshold))) {
    throw new RangeError(
      `Artifact field threshold must be a positive number, got ${quote(threshold)}`,
    );
  }
  const nf = features.length;
  const grid = gridField(root.grid, features);
  const meters = object(root.meters, "meters");
  const ids = names(meters.ids, "meters.ids", 100_000);
  const pooled = object(root.pooled, "pooled");
  const calibration = object(root.calibration, "calibration");
  const per = config.window * nf * STATS_PER_CHANNEL;
  const parts: TemporalParts = {
    features,
    config,
    threshold,
    grid,
    meters: {
      ids,
      mean: numbers(meters.mean, "meters.mean", ids.length * nf),
      sd: numbers(meters.sd, "meters.sd", ids.length * nf, POSITIVE),
    },
    pooled: {
      mean: numbers(pooled.mean, "pooled.mean", nf),
      sd: numbers(pooled.sd, "pooled.sd", nf, POSITIVE),
    },
    calibration: {
      center: numbers(calibration.center, "calibration.center", per),
      scale: numbers(calibration.scale, "calibration.scale", per, POSITIVE),
      limit: numbers(calibration.limit, "calibration.limit", config.window, POSITIVE),
    },
    training: object(root.training, "training"),
  };
  const model = new TemporalModel(parts, options);
  checkContentHash(model.contentHash, version);
  return model;
}

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
  TEMPORAL_OLDER_VERSIONS,
} from "./_temporal_canonical.ts";
import { MAX_FEATURES } from "./isolation_forest.ts";
import {
  TemporalModel,
  type TemporalModelOptions,
  type TemporalParts,
  validateTemporalConfig,
} from "./temporal.ts";
import { STATS_PER_CHANNEL } from "./window_stats.ts";
import { DIURNAL_TERMS } from "./diurnal.ts";
import * as fields from "./_artifact_fields.ts";
import { describeRange, inRange, type Range } from "../../lib/ranges.ts";

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
      throw new TypeError(`Artifact field ${field} must hold strings, got ${fields.quote(name)}`);
    }
  }
  if (new Set(value).size !== value.length) {
    throw new RangeError(`Artifact field ${field} must be unique`);
  }
  return value as string[];
}

const POSITIVE = { positive: true } as const;

/** Finite numbers at or above zero (a noise level may be exactly zero). */
function noiseField(value: unknown, field: string, length: number): number[] {
  const list = fields.numbers(value, field, length);
  const bad = list.findIndex((v) => v < 0);
  if (bad !== -1) {
    throw new RangeError(`Artifact field ${field}[${bad}] must be at least 0, got ${list[bad]}`);
  }
  return list;
}

/** Parse and validate temporal artifact text into a model. */
export function parseTemporalArtifact(
  text: string,
  options: TemporalModelOptions = {},
): TemporalModel {
  const { root, version, formatVersion } = fields.readHeader(text, {
    format: TEMPORAL_FORMAT,
    formatVersion: TEMPORAL_FORMAT_VERSION,
    olderVersions: TEMPORAL_OLDER_VERSIONS,
    name: "temporal_window",
  });
  const features = names(root.features, "features", MAX_FEATURES);
  if (features.length === 0 || features.some((f) => f === "")) {
    throw new TypeError("Artifact field features must hold 1 or more non-empty names");
  }
  const rawConfig = fields.object(root.config, "config");
  const config = fields.validConfig(() =>
    validateTemporalConfig({
      window: rawConfig.window as number,
      contamination: rawConfig.contamination as number,
    })
  );
  const threshold = root.threshold;
  const thresholds: Range = { min: 0, exclusiveMin: true };
  if (!inRange(thresholds, threshold)) {
    throw new RangeError(
      `Artifact field threshold must be ${describeRange(thresholds)}, got ${
        fields.quote(threshold)
      }`,
    );
  }
  const nf = features.length;
  const grid = fields.gridField(root.grid, features);
  const meters = fields.object(root.meters, "meters");
  const ids = names(meters.ids, "meters.ids", 100_000);
  const pooled = fields.object(root.pooled, "pooled");
  const calibration = fields.object(root.calibration, "calibration");
  const per = config.window * nf * STATS_PER_CHANNEL;
  // A daily cycle exists from format 6 on, and only when training fitted one.
  const rawDiurnal = formatVersion >= 6 && root.diurnal !== undefined
    ? fields.object(root.diurnal, "diurnal")
    : undefined;
  const parts: TemporalParts = {
    features,
    config,
    threshold,
    grid,
    meters: {
      ids,
      mean: fields.numbers(meters.mean, "meters.mean", ids.length * nf),
      sd: fields.numbers(meters.sd, "meters.sd", ids.length * nf, POSITIVE),
      noise: noiseField(meters.noise, "meters.noise", ids.length * nf),
      coupling: fields.numbers(meters.coupling, "meters.coupling", ids.length * nf * nf),
    },
    pooled: {
      mean: fields.numbers(pooled.mean, "pooled.mean", nf),
      sd: fields.numbers(pooled.sd, "pooled.sd", nf, POSITIVE),
      noise: noiseField(pooled.noise, "pooled.noise", nf),
      coupling: fields.numbers(pooled.coupling, "pooled.coupling", nf * nf),
    },
    calibration: {
      center: fields.numbers(calibration.center, "calibration.center", per),
      scale: fields.numbers(calibration.scale, "calibration.scale", per, POSITIVE),
      limit: fields.numbers(calibration.limit, "calibration.limit", config.window, POSITIVE),
    },
    ...(rawDiurnal === undefined ? {} : {
      diurnal: {
        meters: fields.numbers(
          rawDiurnal.meters,
          "diurnal.meters",
          ids.length * nf * DIURNAL_TERMS,
        ),
        pooled: fields.numbers(rawDiurnal.pooled, "diurnal.pooled", nf * DIURNAL_TERMS),
      },
    }),
    training: fields.object(root.training, "training"),
    // Only an older format is recorded, so a current artifact's parts read as fitTemporal()'s.
    ...(formatVersion === TEMPORAL_FORMAT_VERSION ? {} : { formatVersion }),
  };
  const model = new TemporalModel(parts, options);
  fields.checkContentHash(model.contentHash, version);
  return model;
}

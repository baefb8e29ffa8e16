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
import { validateGridMap } from "./grid.ts";
import { describeRange, inRange, type Range } from "../../lib/ranges.ts";

export { TEMPORAL_FORMAT, TEMPORAL_FORMAT_VERSION };

/** The artifact text of a temporal model: byte-identical for the same data and config. */
export function serializeTemporalArtifact(model: TemporalModel): string {
  return renderTemporalArtifact(model.parts, model.contentHash);
}

type Json = Record<string, unknown>;

function quote(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

function object(value: unknown, field: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`Artifact field ${field} must be an object, got ${quote(value)}`);
  }
  return value as Json;
}

function numbers(value: unknown, field: string, length: number, positive = false): number[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`Artifact field ${field} must be an array, got ${quote(value)}`);
  }
  if (value.length !== length) {
    throw new RangeError(
      `Artifact field ${field} must have ${length} entries, got ${value.length}`,
    );
  }
  value.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new TypeError(
        `Artifact field ${field}[${i}] must be a finite number, got ${quote(v)}`,
      );
    }
    if (positive && !(v > 0)) {
      throw new RangeError(`Artifact field ${field}[${i}] must be positive, got ${v}`);
    }
  });
  return value as number[];
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

/** Parse and validate temporal artifact text into a model. */
export function parseTemporalArtifact(
  text: string,
  options: TemporalModelOptions = {},
): TemporalModel {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TypeError(`Artifact is not valid JSON: ${(err as Error).message}`);
  }
  const root = object(doc, "(document)");
  if (root.format !== TEMPORAL_FORMAT) {
    throw new TypeError(`Artifact format must be "${TEMPORAL_FORMAT}", got ${quote(root.format)}`);
  }
  if (root.formatVersion !== TEMPORAL_FORMAT_VERSION) {
    throw new RangeError(
      `Artifact format version ${
        quote(root.formatVersion)
      } is not supported (expected ${TEMPORAL_FORMAT_VERSION})`,
    );
  }
  const version = root.version;
  if (typeof version !== "string" || !/^sha256:[0-9a-f]{64}$/.test(version)) {
    throw new TypeError(
      `Artifact field version must be "sha256:" and 64 hex digits, got ${quote(version)}`,
    );
  }
  if (root.name !== "temporal_window") {
    throw new TypeError(`Artifact field name must be "temporal_window", got ${quote(root.name)}`);
  }
  const features = names(root.features, "features", MAX_FEATURES);
  if (features.length === 0 || features.some((f) => f === "")) {
    throw new TypeError("Artifact field features must hold 1 or more non-empty names");
  }
  const rawConfig = object(root.config, "config");
  let config;
  try {
    config = validateTemporalConfig({
      window: rawConfig.window as number,
      contamination: rawConfig.contamination as number,
    });
  } catch (err) {
    throw new RangeError(`Artifact config is invalid: ${(err as Error).message}`);
  }
  const threshold = root.threshold;
  const thresholds: Range = { min: 0, exclusiveMin: true };
  if (!inRange(thresholds, threshold)) {
    throw new RangeError(
      `Artifact field threshold must be ${describeRange(thresholds)}, got ${quote(threshold)}`,
    );
  }
  const nf = features.length;
  let grid;
  try {
    grid = validateGridMap(object(root.grid, "grid"), features);
  } catch (err) {
    if (err instanceof TypeError) throw err;
    throw new RangeError(`Artifact field grid is invalid: ${(err as Error).message}`);
  }
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
      sd: numbers(meters.sd, "meters.sd", ids.length * nf, true),
    },
    pooled: {
      mean: numbers(pooled.mean, "pooled.mean", nf),
      sd: numbers(pooled.sd, "pooled.sd", nf, true),
    },
    calibration: {
      center: numbers(calibration.center, "calibration.center", per),
      scale: numbers(calibration.scale, "calibration.scale", per, true),
      limit: numbers(calibration.limit, "calibration.limit", config.window, true),
    },
    training: object(root.training, "training"),
  };
  const model = new TemporalModel(parts, options);
  if (model.contentHash !== version) {
    throw new RangeError(
      `Artifact content hash ${model.contentHash.slice(0, 19)}... does not match its version ` +
        `${version.slice(0, 19)}... (the file was modified or damaged)`,
    );
  }
  return model;
}

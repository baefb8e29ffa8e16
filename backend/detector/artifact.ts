/**
 * The model artifact: a JSON document with the format, version (content
 * hash), features, config, threshold, training statistics and summary, and
 * the forest's flat arrays. Writing is deterministic (see `_canonical.ts`);
 * reading validates every field and the hash, throwing TypeError (wrong
 * shape) or RangeError (wrong value) with a message that names the field.
 * Pure TypeScript: file I/O lives in `backend/store/model_store.ts`.
 */
import { ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION, renderArtifact } from "./_canonical.ts";
import { heightLimit, MAX_FEATURES, packForest } from "./isolation_forest.ts";
import { Model, type ModelOptions, type ModelParts, validateModelConfig } from "./model.ts";
import type { ModelConfig } from "./types.ts";
import { validateGridMap } from "./grid.ts";
import { assertInRange } from "../../lib/ranges.ts";

export { ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION };

/** The artifact text of a model: byte-identical for the same seed, config and data. */
export function serializeArtifact(model: Model): string {
  return renderArtifact(model.parts, model.contentHash);
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

function finite(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`Artifact field ${field} must be a finite number, got ${quote(value)}`);
  }
  return value;
}

function numbers(value: unknown, field: string, length: number | null, integer: boolean): number[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`Artifact field ${field} must be an array, got ${quote(value)}`);
  }
  if (length !== null && value.length !== length) {
    throw new RangeError(
      `Artifact field ${field} must have ${length} entries, got ${value.length}`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new TypeError(
        `Artifact field ${field}[${i}] must be a finite ${integer ? "integer" : "number"}, ` +
          `got ${quote(v)}`,
      );
    }
  }
  return value as number[];
}

function parseConfig(value: unknown): ModelConfig {
  const raw = object(value, "config");
  const config: ModelConfig = {
    contamination: finite(raw.contamination, "config.contamination"),
    nEstimators: finite(raw.nEstimators, "config.nEstimators"),
    sampleSize: finite(raw.sampleSize, "config.sampleSize"),
    seed: finite(raw.seed, "config.seed"),
    trainingSize: finite(raw.trainingSize, "config.trainingSize"),
  };
  try {
    return validateModelConfig(config);
  } catch (err) {
    throw new RangeError(`Artifact config is invalid: ${(err as Error).message}`);
  }
}

function parseFeatures(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FEATURES) {
    throw new TypeError(
      `Artifact field features must be an array of 1 to ${MAX_FEATURES} names, got ${quote(value)}`,
    );
  }
  for (const name of value) {
    if (typeof name !== "string" || name === "") {
      throw new TypeError(
        `Artifact field features must hold non-empty strings, got ${quote(name)}`,
      );
    }
  }
  if (new Set(value).size !== value.length) {
    throw new RangeError(`Artifact field features must be unique, got ${quote(value)}`);
  }
  return value as string[];
}

/** Check the forest arrays' structure: the guarantees the scorer relies on. */
function parseForest(value: unknown, config: ModelConfig, nFeatures: number) {
  const raw = object(value, "forest");
  const nf = finite(raw.nFeatures, "forest.nFeatures");
  if (nf !== nFeatures) {
    throw new RangeError(
      `Artifact field forest.nFeatures must equal the ${nFeatures} features, got ${nf}`,
    );
  }
  const sampleSize = finite(raw.sampleSize, "forest.sampleSize");
  const expectedSample = Math.min(config.sampleSize, config.trainingSize);
  if (sampleSize !== expectedSample) {
    throw new RangeError(
      `Artifact field forest.sampleSize must be ${expectedSample} for this config, got ${sampleSize}`,
    );
  }
  const roots = numbers(raw.roots, "forest.roots", config.nEstimators, true);
  const feature = numbers(raw.feature, "forest.feature", null, true);
  const nodes = feature.length;
  const split = numbers(raw.split, "forest.split", nodes, false);
  const left = numbers(raw.left, "forest.left", nodes, true);
  const right = numbers(raw.right, "forest.right", nodes, true);
  const size = numbers(raw.size, "forest.size", nodes, true);
  const limit = heightLimit(sampleSize);
  const depth = new Int32Array(nodes);
  for (let t = 0; t < roots.length; t++) {
    const start = roots[t];
    const end = t + 1 < roots.length ? roots[t + 1] : nodes;
    if (t === 0 && start !== 0) {
      throw new RangeError(`Artifact field forest.roots[0] must be 0, got ${start}`);
    }
    // Trees are stored one after another, each with at least one node.
    if (!(end > start && end <= nodes)) {
      throw new RangeError(
        `Artifact field forest.roots[${t}] is out of order or range, got ${start}`,
      );
    }
    if (size[start] !== sampleSize) {
      throw new RangeError(
        `Artifact tree ${t} must hold the sample size ${sampleSize} at its root, got ${
          size[start]
        }`,
      );
    }
    depth[start] = 0;
    for (let i = start; i < end; i++) {
      const where = `forest node ${i} (tree ${t})`;
      const f = feature[i];
      if (f < -1 || f >= nFeatures) {
        throw new RangeError(`Artifact ${where} has feature ${f}, outside -1..${nFeatures - 1}`);
      }
      if (size[i] < 0) throw new RangeError(`Artifact ${where} has negative size ${size[i]}`);
      if (f === -1) {
        if (left[i] !== -1 || right[i] !== -1) {
          throw new RangeError(
            `Artifact ${where} is a leaf but has children ${left[i]} and ${right[i]}`,
          );
        }
        continue;
      }
      // Pre-order: the left child is the next node, the right one later in the same tree.
      if (left[i] !== i + 1 || !(right[i] > i + 1 && right[i] < end)) {
        throw new RangeError(
          `Artifact ${where} has child indices ${left[i]} and ${right[i]} out of range ` +
            `(expected ${i + 1} and ${i + 2}..${end - 1})`,
        );
      }
      if (size[i] !== size[left[i]] + size[right[i]]) {
        throw new RangeError(
          `Artifact ${where} has size ${size[i]}, not the sum of its children's ` +
            `${size[left[i]]} + ${size[right[i]]}`,
        );
      }
      depth[left[i]] = depth[i] + 1;
      depth[right[i]] = depth[i] + 1;
      if (depth[i] + 1 > limit) {
        throw new RangeError(`Artifact ${where} is deeper than the height limit ${limit}`);
      }
    }
  }
  return packForest({ nFeatures, sampleSize, roots, feature, split, left, right, size });
}

/**
 * Parse and validate artifact text into a model. Throws TypeError for a
 * wrong shape (not JSON, missing or mistyped field), RangeError for a wrong
 * value (unsupported format version, out-of-range index, hash mismatch).
 */
export function parseArtifact(text: string, options: ModelOptions = {}): Model {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TypeError(`Artifact is not valid JSON: ${(err as Error).message}`);
  }
  const root = object(doc, "(document)");
  if (root.format !== ARTIFACT_FORMAT) {
    throw new TypeError(
      `Artifact format must be "${ARTIFACT_FORMAT}", got ${quote(root.format)}`,
    );
  }
  if (root.formatVersion !== ARTIFACT_FORMAT_VERSION) {
    throw new RangeError(
      `Artifact format version ${
        quote(root.formatVersion)
      } is not supported (expected ${ARTIFACT_FORMAT_VERSION})`,
    );
  }
  const version = root.version;
  if (typeof version !== "string" || !/^sha256:[0-9a-f]{64}$/.test(version)) {
    throw new TypeError(
      `Artifact field version must be "sha256:" and 64 hex digits, got ${quote(version)}`,
    );
  }
  if (root.name !== "isolation_forest") {
    throw new TypeError(`Artifact field name must be "isolation_forest", got ${quote(root.name)}`);
  }
  const features = parseFeatures(root.features);
  const config = parseConfig(root.config);
  const threshold = assertInRange(
    { name: "Artifact field threshold", min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
    finite(root.threshold, "threshold"),
  );
  const stats = object(root.stats, "stats");
  const mean = numbers(stats.mean, "stats.mean", features.length, false);
  const sd = numbers(stats.sd, "stats.sd", features.length, false);
  sd.forEach((v, i) => {
    if (v < 0) throw new RangeError(`Artifact field stats.sd[${i}] must not be negative, got ${v}`);
  });
  const training = object(root.training, "training");
  const forest = parseForest(root.forest, config, features.length);

  let grid;
  if (root.grid !== undefined) {
    try {
      grid = validateGridMap(object(root.grid, "grid"), features);
    } catch (err) {
      if (err instanceof TypeError) throw err;
      throw new RangeError(`Artifact field grid is invalid: ${(err as Error).message}`);
    }
  }
  const parts: ModelParts = {
    config,
    features,
    threshold,
    training,
    stats: { mean, sd },
    ...(grid ? { grid } : {}),
    forest,
  };
  const model = new Model(parts, options);
  if (model.contentHash !== version) {
    throw new RangeError(
      `Artifact content hash ${model.contentHash.slice(0, 19)}... does not match its version ` +
        `${version.slice(0, 19)}... (the file was modified or damaged)`,
    );
  }
  return model;
}

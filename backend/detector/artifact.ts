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
import * as fields from "./_artifact_fields.ts";
import { assertInRange } from "../../lib/ranges.ts";

export { ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION };

/** The artifact text of a model: byte-identical for the same seed, config and data. */
export function serializeArtifact(model: Model): string {
  return renderArtifact(model.parts, model.contentHash);
}

function parseConfig(value: unknown): ModelConfig {
  const raw = fields.object(value, "config");
  const config: ModelConfig = {
    contamination: fields.finite(raw.contamination, "config.contamination"),
    nEstimators: fields.finite(raw.nEstimators, "config.nEstimators"),
    sampleSize: fields.finite(raw.sampleSize, "config.sampleSize"),
    seed: fields.finite(raw.seed, "config.seed"),
    trainingSize: fields.finite(raw.trainingSize, "config.trainingSize"),
  };
  return fields.validConfig(() => validateModelConfig(config));
}

function parseFeatures(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FEATURES) {
    throw new TypeError(
      `Artifact field features must be an array of 1 to ${MAX_FEATURES} names, got ${
        fields.quote(value)
      }`,
    );
  }
  for (const name of value) {
    if (typeof name !== "string" || name === "") {
      throw new TypeError(
        `Artifact field features must hold non-empty strings, got ${fields.quote(name)}`,
      );
    }
  }
  if (new Set(value).size !== value.length) {
    throw new RangeError(`Artifact field features must be unique, got ${fields.quote(value)}`);
  }
  return value as string[];
}

const INTEGERS = { integer: true } as const;

/** Check the forest arrays' structure: the guarantees the scorer relies on. */
function parseForest(value: unknown, config: ModelConfig, nFeatures: number) {
  const raw = fields.object(value, "forest");
  const nf = fields.finite(raw.nFeatures, "forest.nFeatures");
  if (nf !== nFeatures) {
    throw new RangeError(
      `Artifact field forest.nFeatures must equal the ${nFeatures} features, got ${nf}`,
    );
  }
  const sampleSize = fields.finite(raw.sampleSize, "forest.sampleSize");
  const expectedSample = Math.min(config.sampleSize, config.trainingSize);
  if (sampleSize !== expectedSample) {
    throw new RangeError(
      `Artifact field forest.sampleSize must be ${expectedSample} for this config, got ${sampleSize}`,
    );
  }
  const roots = fields.numbers(raw.roots, "forest.roots", config.nEstimators, INTEGERS);
  const feature = fields.numbers(raw.feature, "forest.feature", null, INTEGERS);
  const nodes = feature.length;
  const split = fields.numbers(raw.split, "forest.split", nodes);
  const left = fields.numbers(raw.left, "forest.left", nodes, INTEGERS);
  const right = fields.numbers(raw.right, "forest.right", nodes, INTEGERS);
  const size = fields.numbers(raw.size, "forest.size", nodes, INTEGERS);
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
  const { root, version } = fields.readHeader(text, {
    format: ARTIFACT_FORMAT,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    name: "isolation_forest",
  });
  const features = parseFeatures(root.features);
  const config = parseConfig(root.config);
  const threshold = assertInRange(
    { name: "Artifact field threshold", min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
    fields.finite(root.threshold, "threshold"),
  );
  const stats = fields.object(root.stats, "stats");
  const mean = fields.numbers(stats.mean, "stats.mean", features.length);
  const sd = fields.numbers(stats.sd, "stats.sd", features.length);
  sd.forEach((v, i) => {
    if (v < 0) throw new RangeError(`Artifact field stats.sd[${i}] must not be negative, got ${v}`);
  });
  // The training range: both or neither (artifacts written before it have neither).
  if ((stats.min === undefined) !== (stats.max === undefined)) {
    throw new TypeError("Artifact field stats must have both min and max, or neither");
  }
  const range = stats.min === undefined ? null : {
    min: fields.numbers(stats.min, "stats.min", features.length),
    max: fields.numbers(stats.max, "stats.max", features.length),
  };
  range?.min.forEach((v, i) => {
    if (!(v <= range.max[i])) {
      throw new RangeError(
        `Artifact field stats.min[${i}] must not exceed stats.max[${i}], got ${v} and ${
          range.max[i]
        }`,
      );
    }
  });
  const training = fields.object(root.training, "training");
  const forest = parseForest(root.forest, config, features.length);

  const grid = root.grid === undefined ? undefined : fields.gridField(root.grid, features);
  const parts: ModelParts = {
    config,
    features,
    threshold,
    training,
    stats: { mean, sd, ...(range ?? {}) },
    ...(grid ? { grid } : {}),
    forest,
  };
  const model = new Model(parts, options);
  fields.checkContentHash(model.contentHash, version);
  return model;
}

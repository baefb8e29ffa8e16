/**
 * The artifact's canonical text and content hash. Kept apart from
 * `artifact.ts` (which builds models from text) so `model.ts` can hash a model
 * without an import cycle.
 *
 * The text is written field by field in a fixed order, numbers in
 * JavaScript's shortest round-trip form, so the same model always gives the
 * same bytes. The version is the SHA-256 of the same text without the
 * `version` line, so a parsed artifact can be re-rendered and checked.
 */
import type { ForestArrays } from "./isolation_forest.ts";
import type { FeatureStats } from "./reasons.ts";
import type { ModelConfig } from "./types.ts";
import type { GridMap } from "./grid.ts";
import { sha256Hex } from "./_sha256.ts";

/** The artifact's `format` field. */
export const ARTIFACT_FORMAT = "grid-anomaly/isolation-forest";

/** The artifact's `formatVersion`; bump it when the layout changes. */
export const ARTIFACT_FORMAT_VERSION = 1;

/** Everything a trained model consists of; its canonical text determines its version. */
export interface ModelParts {
  config: ModelConfig;
  /** Feature names in column order. */
  features: readonly string[];
  /** Scores at or above this are anomalies. */
  threshold: number;
  /** Training summary (JSON-safe: no NaN, no undefined). */
  training: Record<string, unknown>;
  /** Training mean and standard deviation per feature, for `model_outlier` reasons. */
  stats: FeatureStats;
  /**
   * Which features are grid quantities. Absent in artifacts that predate it
   * (and in the workshop's model): features named like a quantity are one.
   */
  grid?: GridMap;
  forest: ForestArrays;
}

/** A grid map with its keys in feature order, so the text does not depend on insertion order. */
export function gridText(grid: GridMap, features: readonly string[]): string {
  const ordered: Record<string, string> = {};
  for (const f of features) if (Object.hasOwn(grid, f)) ordered[f] = grid[f];
  return JSON.stringify(ordered);
}

/** Numbers as a JSON array in their shortest round-trip form, without spaces. */
export function list(values: ArrayLike<number>): string {
  return `[${Array.prototype.join.call(values, ",")}]`;
}

/** The lines every artifact starts with; without `version` (null) for the hashed text. */
export function headerLines(
  format: string,
  formatVersion: number,
  version: string | null,
  name: string,
): string[] {
  return [
    `"format": ${JSON.stringify(format)}`,
    `"formatVersion": ${formatVersion}`,
    ...(version === null ? [] : [`"version": ${JSON.stringify(version)}`]),
    `"name": ${JSON.stringify(name)}`,
  ];
}

/** The document of top-level `lines`, two spaces in, one field a line. */
export function documentText(lines: readonly string[]): string {
  return `{\n${lines.map((line) => `  ${line}`).join(",\n")}\n}\n`;
}

/** `sha256:` and the 64 hex digits of the SHA-256 of `text`. */
export function sha256Version(text: string): string {
  return `sha256:${sha256Hex(text)}`;
}

/** The artifact text for `parts`; with `version` null, the text that is hashed. */
export function renderArtifact(parts: ModelParts, version: string | null): string {
  const { config, forest } = parts;
  const lines = [
    ...headerLines(ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION, version, "isolation_forest"),
    `"features": ${JSON.stringify(parts.features)}`,
    `"config": ${
      JSON.stringify({
        contamination: config.contamination,
        nEstimators: config.nEstimators,
        sampleSize: config.sampleSize,
        seed: config.seed,
        trainingSize: config.trainingSize,
      })
    }`,
    `"threshold": ${JSON.stringify(parts.threshold)}`,
    `"stats": {"mean": ${list(parts.stats.mean)}, "sd": ${list(parts.stats.sd)}${
      parts.stats.min && parts.stats.max
        ? `, "min": ${list(parts.stats.min)}, "max": ${list(parts.stats.max)}`
        : ""
    }}`,
    // Only written when recorded, so artifacts without a map keep their bytes and version.
    ...(parts.grid ? [`"grid": ${gridText(parts.grid, parts.features)}`] : []),
    `"training": ${JSON.stringify(parts.training)}`,
    `"forest": {\n${
      [
        `"nFeatures": ${forest.nFeatures}`,
        `"sampleSize": ${forest.sampleSize}`,
        `"roots": ${list(forest.roots)}`,
        `"feature": ${list(forest.feature)}`,
        `"split": ${list(forest.split)}`,
        `"left": ${list(forest.left)}`,
        `"right": ${list(forest.right)}`,
        `"size": ${list(forest.size)}`,
      ].map((line) => `    ${line}`).join(",\n")
    }\n  }`,
  ];
  return documentText(lines);
}

/** The content hash of `parts`: `sha256:` and 64 hex digits. */
export function contentHash(parts: ModelParts): string {
  return sha256Version(renderArtifact(parts, null));
}

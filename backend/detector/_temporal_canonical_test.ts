import assert from "node:assert/strict";
import {
  renderTemporalArtifact,
  TEMPORAL_FORMAT,
  TEMPORAL_FORMAT_VERSION,
  temporalContentHash,
} from "./_temporal_canonical.ts";
import { sha256Hex } from "./_sha256.ts";
import { TemporalModel, type TemporalParts } from "./temporal.ts";
import { STATS_PER_CHANNEL } from "./window_stats.ts";

// Two features, a window of 2, one meter with its own baseline: sizes as the model requires.
const per = 2 * 2 * STATS_PER_CHANNEL;
const parts: TemporalParts = {
  features: ["u", "f"],
  config: { window: 2, contamination: 0.05 },
  threshold: 1.25,
  grid: { f: "frequency", u: "voltage" },
  meters: { ids: ["m1"], mean: [230, 50], sd: [1.5, 0.02], noise: [1.2, 0.015] },
  pooled: { mean: [229.5, 50.01], sd: [2, 0.03], noise: [1.4, 0.02] },
  calibration: {
    center: Array.from({ length: per }, (_, i) => i / 10),
    scale: Array.from({ length: per }, (_, i) => 1 + i / 100),
    limit: [3.5, 4.25],
  },
  training: { rows: 1200, note: "unit" },
};

Deno.test("renderTemporalArtifact() writes every part, fields in a fixed order", () => {
  const text = renderTemporalArtifact(parts, "sha256:00");
  const keys = [...text.matchAll(/^ {2}"([a-zA-Z]+)":/gm)].map((m) => m[1]);
  assert.deepEqual(keys, [
    "format",
    "formatVersion",
    "version",
    "name",
    "features",
    "config",
    "threshold",
    "grid",
    "meters",
    "pooled",
    "calibration",
    "training",
  ]);
  const doc = JSON.parse(text);
  assert.equal(doc.format, TEMPORAL_FORMAT);
  assert.equal(doc.formatVersion, TEMPORAL_FORMAT_VERSION);
  assert.equal(doc.name, "temporal_window");
  // The grid map is written in feature order, not insertion order.
  assert.match(text, /"grid": \{"u":"voltage","f":"frequency"\}/);
  for (const key of ["features", "config", "threshold", "meters", "pooled", "calibration"]) {
    assert.deepEqual(doc[key], parts[key as keyof TemporalParts], key);
  }
  assert.deepEqual(doc.training, parts.training);
});

Deno.test("temporalContentHash() hashes the text without its version line", () => {
  const hashed = renderTemporalArtifact(parts, null);
  assert.doesNotMatch(hashed, /"version"/);
  const hash = temporalContentHash(parts);
  assert.equal(hash, `sha256:${sha256Hex(hashed)}`);
  assert.equal(
    renderTemporalArtifact(parts, hash).replace(`  "version": "${hash}",\n`, ""),
    hashed,
  );
  assert.equal(new TemporalModel(parts).contentHash, hash);
});

Deno.test("temporalContentHash() changes with any number and not with key order", () => {
  const base = temporalContentHash(parts);
  const limit = [3.5, 4.250000000000001];
  assert.notEqual(
    temporalContentHash({ ...parts, calibration: { ...parts.calibration, limit } }),
    base,
  );
  assert.notEqual(
    temporalContentHash({ ...parts, config: { window: 2, contamination: 0.1 } }),
    base,
  );
  const reordered = { ...parts, config: { contamination: 0.05, window: 2 } };
  assert.equal(temporalContentHash(reordered), base);
});

import assert from "node:assert/strict";
import {
  ARTIFACT_FORMAT,
  contentHash,
  documentText,
  gridText,
  headerLines,
  list,
  type ModelParts,
  renderArtifact,
  sha256Version,
} from "./_canonical.ts";
import { sha256Hex } from "./_sha256.ts";
import { DEFAULT_MODEL_CONFIG, trainModel } from "./model.ts";

const parts: ModelParts = trainModel({ ...DEFAULT_MODEL_CONFIG, nEstimators: 3, trainingSize: 300 })
  .parts;

Deno.test("list() writes numbers in their shortest round-trip form without spaces", () => {
  assert.equal(list([0.1, -2, 1e-7, 3.0000000000000004]), "[0.1,-2,1e-7,3.0000000000000004]");
  assert.equal(list(new Int32Array([1, -1])), "[1,-1]");
  assert.equal(list([]), "[]");
  const values = [Math.PI, 1 / 3, 2 ** -40];
  assert.deepEqual(JSON.parse(list(values)), values);
});

Deno.test("gridText() orders the map's keys as the features are, whatever the insertion order", () => {
  const features = ["u", "i", "f"];
  assert.equal(
    gridText({ f: "frequency", u: "voltage" }, features),
    '{"u":"voltage","f":"frequency"}',
  );
  assert.equal(gridText({}, features), "{}");
});

Deno.test("headerLines() leaves the version line out of the hashed text", () => {
  assert.deepEqual(headerLines("fmt/x", 3, null, "n"), [
    '"format": "fmt/x"',
    '"formatVersion": 3',
    '"name": "n"',
  ]);
  assert.deepEqual(headerLines("fmt/x", 3, "sha256:ab", "n")[2], '"version": "sha256:ab"');
});

Deno.test("documentText() writes one field a line, two spaces in, ending in a newline", () => {
  const text = documentText(['"a": 1', '"b": [1,2]']);
  assert.equal(text, '{\n  "a": 1,\n  "b": [1,2]\n}\n');
  assert.deepEqual(JSON.parse(text), { a: 1, b: [1, 2] });
});

Deno.test("renderArtifact() without a version is the text contentHash() hashes", () => {
  const hashed = renderArtifact(parts, null);
  assert.doesNotMatch(hashed, /"version"/);
  assert.equal(contentHash(parts), `sha256:${sha256Hex(hashed)}`);
  assert.equal(sha256Version(hashed), contentHash(parts));
  const full = renderArtifact(parts, contentHash(parts));
  // The full text is the hashed text with the version as the third line.
  const lines = full.split("\n");
  assert.equal(lines[3], `  "version": "${contentHash(parts)}",`);
  assert.equal([...lines.slice(0, 3), ...lines.slice(4)].join("\n"), hashed);
  const doc = JSON.parse(full);
  assert.equal(doc.format, ARTIFACT_FORMAT);
  assert.deepEqual(doc.stats, {
    mean: [...parts.stats.mean],
    sd: [...parts.stats.sd],
    min: [...parts.stats.min!],
    max: [...parts.stats.max!],
  });
  assert.deepEqual(doc.forest.split, [...parts.forest.split]);
});

Deno.test("contentHash() changes with any value and not with the grid map's key order", () => {
  const base = contentHash(parts);
  const split = Float64Array.from(parts.forest.split);
  split[0] += 1e-12;
  assert.notEqual(contentHash({ ...parts, forest: { ...parts.forest, split } }), base);
  assert.notEqual(contentHash({ ...parts, threshold: parts.threshold + 1e-9 }), base);
  assert.notEqual(contentHash({ ...parts, training: { ...parts.training, note: 1 } }), base);
  const max = [...parts.stats.max!];
  max[0] += 1e-9;
  assert.notEqual(contentHash({ ...parts, stats: { ...parts.stats, max } }), base);
  const a = contentHash({ ...parts, grid: { voltage: "voltage", frequency: "frequency" } });
  const b = contentHash({ ...parts, grid: { frequency: "frequency", voltage: "voltage" } });
  assert.equal(a, b);
  // A recorded map is part of the content, even an empty one.
  assert.notEqual(contentHash({ ...parts, grid: {} }), base);
});

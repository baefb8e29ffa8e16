import assert from "node:assert/strict";
import { parseArtifact, serializeArtifact } from "./artifact.ts";
import { DEFAULT_MODEL_CONFIG, Model, trainModel } from "./model.ts";
import { sha256Hex } from "./_sha256.ts";
import { EXTREME_READING, simulate, toReading } from "../../lib/simulator/simulator.ts";
import type { ModelConfig } from "./types.ts";

const SMALL: ModelConfig = { ...DEFAULT_MODEL_CONFIG, nEstimators: 20, trainingSize: 1_000 };
const small = trainModel(SMALL);
const text = serializeArtifact(small);

/** Parse, change, re-serialize: a well-formed document with one bad field. */
// deno-lint-ignore no-explicit-any
function edit(change: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(text);
  change(doc);
  return JSON.stringify(doc);
}

Deno.test("serializeArtifact() is byte-identical for the same seed and config", () => {
  const a = serializeArtifact(trainModel(DEFAULT_MODEL_CONFIG));
  const b = serializeArtifact(trainModel(DEFAULT_MODEL_CONFIG));
  assert.equal(sha256Hex(a), sha256Hex(b));
  assert.equal(a, b);
  assert.doesNotMatch(a, /20\d\d-\d\d-\d\dT/, "no wall-clock time inside the artifact");
});

Deno.test("serializeArtifact() writes format, version, config and threshold up front", () => {
  const lines = text.split("\n");
  assert.equal(lines[1], '  "format": "grid-anomaly/isolation-forest",');
  assert.equal(lines[2], '  "formatVersion": 1,');
  assert.equal(lines[3], `  "version": "${small.contentHash}",`);
  const doc = JSON.parse(text);
  assert.deepEqual(doc.features, ["voltage", "current", "frequency"]);
  assert.deepEqual(doc.config, SMALL);
  assert.equal(doc.threshold, small.threshold);
  assert.equal(doc.forest.roots.length, 20);
});

Deno.test("parseArtifact() round-trips to the same version and predictions", () => {
  const parsed = parseArtifact(text, { source: "loaded from test" });
  assert.equal(parsed.contentHash, small.contentHash);
  assert.equal(parsed.info.source, "loaded from test");
  assert.deepEqual(parsed.info.training, small.info.training);
  assert.equal(serializeArtifact(parsed), text);
  const readings = [
    EXTREME_READING,
    ...simulate(200, { seed: 3, anomalyRate: 0.1 }).map(toReading),
  ];
  assert.deepEqual(parsed.predict(readings), small.predict(readings));
});

Deno.test("parseArtifact() accepts reformatted JSON with the same content", () => {
  const pretty = JSON.stringify(JSON.parse(text), null, 1);
  assert.equal(parseArtifact(pretty).contentHash, small.contentHash);
});

Deno.test("parseArtifact() rejects corrupt artifacts with clear messages", () => {
  const cases: [string, string, RegExp][] = [
    ["", "TypeError", /^Artifact is not valid JSON: /],
    [text.slice(0, text.length / 2), "TypeError", /^Artifact is not valid JSON: /],
    ["[]", "TypeError", /^Artifact field \(document\) must be an object, got \[\]$/],
    [
      edit((d) => (d.format = "pickle")),
      "TypeError",
      /^Artifact format must be "grid-anomaly\/isolation-forest", got "pickle"$/,
    ],
    [
      edit((d) => (d.formatVersion = 2)),
      "RangeError",
      /^Artifact format version 2 is not supported \(expected 1\)$/,
    ],
    [edit((d) => (d.version = "md5:x")), "TypeError", /version must be "sha256:".*got "md5:x"$/],
    [
      edit((d) => (d.config.contamination = 2)),
      "RangeError",
      /^Artifact config is invalid: Contamination must be .* got 2$/,
    ],
    [edit((d) => delete d.config.seed), "TypeError", /config\.seed must be a finite number/],
    [
      edit((d) => (d.threshold = 1.5)),
      "RangeError",
      /threshold must be between 0 and 1 \(exclusive\), got 1.5/,
    ],
    [edit((d) => (d.features = ["voltage", "voltage", "x"])), "RangeError", /must be unique/],
    [edit((d) => d.stats.sd.pop()), "RangeError", /stats\.sd must have 3 entries, got 2$/],
    [
      edit((d) => (d.forest.split[1] = "abc")),
      "TypeError",
      /^Artifact field forest\.split\[1\] must be a finite number, got "abc"$/,
    ],
    [edit((d) => (d.forest.split[1] = null)), "TypeError", /split\[1\] .* got null$/],
    [edit((d) => d.forest.left.pop()), "RangeError", /forest\.left must have \d+ entries/],
    [edit((d) => d.forest.roots.pop()), "RangeError", /forest\.roots must have 20 entries, got 19/],
    [edit((d) => (d.forest.right[0] = 1e6)), "RangeError", /child indices 1 and 1000000 out/],
    [edit((d) => (d.forest.right[0] = 0)), "RangeError", /child indices 1 and 0 out of range/],
    [edit((d) => (d.forest.feature[0] = 5)), "RangeError", /has feature 5, outside -1\.\.2/],
    [
      edit((d) => (d.forest.feature[0] = 1.5)),
      "TypeError",
      /feature\[0\] must be a finite integer/,
    ],
    [edit((d) => (d.forest.size[0] = 3)), "RangeError", /sample size 256 at its root, got 3/],
    [edit((d) => (d.forest.nFeatures = 2)), "RangeError", /nFeatures must equal the 3/],
    [edit((d) => (d.training = null)), "TypeError", /training must be an object, got null/],
    [edit((d) => delete d.stats.max), "TypeError", /stats must have both min and max, or neither/],
    [edit((d) => d.stats.min.pop()), "RangeError", /stats\.min must have 3 entries, got 2$/],
    [
      edit((d) => (d.stats.min[1] = d.stats.max[1] + 1)),
      "RangeError",
      /stats\.min\[1\] must not exceed stats\.max\[1\]/,
    ],
  ];
  for (const [input, name, message] of cases) {
    assert.throws(() => parseArtifact(input), (err: Error) => {
      assert.equal(err.name, name, `${err.message}`);
      assert.match(err.message, message);
      return true;
    });
  }
});

Deno.test("parseArtifact() loads an artifact written before the training range was stored", () => {
  const { min: _min, max: _max, ...older } = small.parts.stats;
  const before = serializeArtifact(new Model({ ...small.parts, stats: older }));
  assert.match(before, /"stats": \{"mean": \[[^\]]*\], "sd": \[[^\]]*\]\},/);
  const parsed = parseArtifact(before);
  assert.deepEqual(parsed.parts.stats, older);
  // Its range guard judges by the sd alone.
  const far = small.parts.stats.mean[0] + 7 * small.parts.stats.sd[0];
  assert.equal(parsed.predict([{ voltage: far, current: 10, frequency: 50 }])[0].anomaly, true);
  assert.ok(small.parts.stats.min && small.parts.stats.max, "new artifacts store the range");
  assert.match(text, /"stats": \{"mean": \[.*\], "sd": \[.*\], "min": \[.*\], "max": \[.*\]\}/);
});

Deno.test("parseArtifact() detects edited values through the content hash", () => {
  const doc = JSON.parse(text);
  doc.forest.split[0] += 0.5;
  assert.throws(() => parseArtifact(JSON.stringify(doc)), {
    name: "RangeError",
    message: new RegExp(
      `^Artifact content hash sha256:[0-9a-f]{12}\\.\\.\\. does not match its version ` +
        `${small.contentHash.slice(0, 19)}\\.\\.\\. \\(the file was modified or damaged\\)$`,
    ),
  });
  const threshold = JSON.parse(text);
  threshold.threshold = 0.9;
  assert.throws(() => parseArtifact(JSON.stringify(threshold)), /does not match its version/);
});

Deno.test("an artifact's grid map decides which features the grid rules read", () => {
  // A column that is not a grid frequency but happens to be called so, values far above 100.
  const rows = 200;
  const data = new Float64Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    data[r * 2] = 230 + (r % 7);
    data[r * 2 + 1] = 500 + (r % 13);
  }
  const config = { ...DEFAULT_MODEL_CONFIG, nEstimators: 10, trainingSize: rows };
  const plain = trainModel(config, { data, features: ["voltage", "frequency"], grid: {} });
  const text = serializeArtifact(plain);
  assert.ok(text.includes(`\n  "grid": {},\n`));
  const parsed = parseArtifact(text);
  assert.deepEqual(parsed.quantities, ["", ""]);
  const [p] = parsed.predict([{ voltage: 233, frequency: 505 } as never]);
  assert.equal(p.anomaly, false);
  // The same data with the default map: "frequency" 505 Hz is a sensor fault by name.
  const byName = trainModel(config, { data, features: ["voltage", "frequency"] });
  assert.doesNotMatch(serializeArtifact(byName), /"grid"/);
  assert.equal(byName.predict([{ voltage: 233, frequency: 505 } as never])[0].anomaly, true);
  const mapped = parseArtifact(
    serializeArtifact(
      trainModel(config, {
        data,
        features: ["voltage", "frequency"],
        grid: { voltage: "voltage" },
      }),
    ),
  );
  assert.deepEqual(mapped.quantities, ["voltage", ""]);
  assert.throws(
    () => parseArtifact(text.replace('"grid": {}', '"grid": {"x": "voltage"}')),
    /Artifact field grid is invalid: Grid map names "x"/,
  );
});

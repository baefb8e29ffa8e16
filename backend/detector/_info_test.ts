import assert from "node:assert/strict";
import { detectorInfo } from "./_info.ts";
import type { ModelInfo, TemporalInfo } from "./types.ts";

const HASH = `sha256:${"0123456789abcdef".repeat(4)}`;
const parts = {
  features: ["u", "i"],
  config: { window: 4, contamination: 0.02 },
  threshold: 1.5,
  training: { rows: 10 },
};

Deno.test("detectorInfo() shows 12 hex digits of the hash and the parts' facts", () => {
  const info = detectorInfo<TemporalInfo>("temporal_window", HASH, parts, {});
  assert.deepEqual(info, {
    name: "temporal_window",
    version: "sha256:0123456789ab",
    features: ["u", "i"],
    config: { window: 4, contamination: 0.02 },
    threshold: 1.5,
    training: { rows: 10 },
    source: "constructed in memory",
  });
  // Absent options leave no keys behind (GET /model shows no "createdAt": undefined).
  assert.ok(!("createdAt" in info) && !("warning" in info));
});

Deno.test("detectorInfo() takes source, creation time and warning from the options", () => {
  const config = {
    contamination: 0.05,
    nEstimators: 10,
    sampleSize: 64,
    seed: 1,
    trainingSize: 100,
  };
  const info = detectorInfo<ModelInfo>("isolation_forest", HASH, { ...parts, config }, {
    source: "loaded from artifact m.json",
    createdAt: "2026-01-01T00:00:00.000Z",
    warning: "not the configured model",
  });
  assert.equal(info.name, "isolation_forest");
  assert.equal(info.source, "loaded from artifact m.json");
  assert.equal(info.createdAt, "2026-01-01T00:00:00.000Z");
  assert.equal(info.warning, "not the configured model");
  assert.equal(info.config, config);
  // Empty strings count as absent, as they always have.
  const empty = detectorInfo<ModelInfo>("isolation_forest", HASH, { ...parts, config }, {
    createdAt: "",
    warning: "",
  });
  assert.ok(!("createdAt" in empty) && !("warning" in empty));
});

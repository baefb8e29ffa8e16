import assert from "node:assert/strict";
import { artifactFormat, parseAnyArtifact } from "./any_artifact.ts";
import { serializeArtifact } from "./artifact.ts";
import { DEFAULT_MODEL_CONFIG, Model, toMatrix, trainModel } from "./model.ts";
import { fitTemporal, TemporalModel } from "./temporal.ts";
import { serializeTemporalArtifact } from "./temporal_artifact.ts";
import { FEATURES } from "./types.ts";
import { simulate } from "../../lib/simulator/simulator.ts";

Deno.test("parseAnyArtifact() loads either detector by its format", () => {
  const forest = trainModel({ ...DEFAULT_MODEL_CONFIG, nEstimators: 5, trainingSize: 300 });
  const rows = simulate(300, { seed: 1 });
  const temporal = fitTemporal(toMatrix(rows), FEATURES, { window: 4, contamination: 0.05 }, {
    meters: null,
  });
  const a = parseAnyArtifact(serializeArtifact(forest), { source: "x" });
  assert.ok(a instanceof Model);
  assert.equal(a.info.source, "x");
  const b = parseAnyArtifact(serializeTemporalArtifact(temporal));
  assert.ok(b instanceof TemporalModel);
  assert.equal(b.contentHash, temporal.contentHash);
  assert.equal(
    artifactFormat('{"format": "grid-anomaly/temporal-window"}'),
    "grid-anomaly/temporal-window",
  );
  assert.throws(() => parseAnyArtifact('{"format": "onnx"}'), /Artifact format must be/);
  assert.throws(() => parseAnyArtifact("nonsense"), /not valid JSON/);
});

import assert from "node:assert/strict";
import { parseTemporalArtifact, serializeTemporalArtifact } from "./temporal_artifact.ts";
import { fitTemporal } from "./temporal.ts";
import { toMatrix } from "./model.ts";
import { FEATURES } from "./types.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

const rows = simulateFleet({ seed: 2, meters: 2, readingsPerMeter: 600, kinds: [] }).readings;
const model = fitTemporal(toMatrix(rows), FEATURES, { window: 6, contamination: 0.02 }, {
  meters: rows.map((r) => r.meter_id),
  description: { source: "test" },
});

Deno.test("serializeTemporalArtifact() round-trips byte for byte with the same scores", () => {
  const text = serializeTemporalArtifact(model);
  const parsed = parseTemporalArtifact(text, { source: "loaded" });
  assert.equal(serializeTemporalArtifact(parsed), text);
  assert.equal(parsed.contentHash, model.contentHash);
  assert.equal(parsed.info.source, "loaded");
  assert.match(parsed.info.version, /^sha256:[0-9a-f]{12}$/);
  const keys = rows.map((r) => r.meter_id);
  assert.deepEqual(parsed.scoreRows(toMatrix(rows), keys), model.scoreRows(toMatrix(rows), keys));
});

Deno.test("parseTemporalArtifact() names the damaged field", () => {
  const text = serializeTemporalArtifact(model);
  const doc = JSON.parse(text);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...doc, format: "x" }, /Artifact format must be "grid-anomaly\/temporal-window", got "x"/],
    [{ ...doc, config: { window: 1, contamination: 0.02 } }, /config is invalid: Window must be/],
    [
      { ...doc, pooled: { mean: [1, 2], sd: [1, 1, 1], noise: [1, 1, 1] } },
      /pooled.mean must have 3 entries, got 2/,
    ],
    [
      { ...doc, pooled: { ...doc.pooled, noise: [1, -1, 1] } },
      /pooled.noise\[1\] must be at least 0, got -1/,
    ],
    [
      { ...doc, calibration: { ...doc.calibration, limit: [1, 1, 1, 1, 1, 0] } },
      /calibration.limit\[5\] must be positive, got 0/,
    ],
    [{ ...doc, threshold: "high" }, /threshold must be a positive number/],
  ];
  for (const [bad, message] of cases) {
    assert.throws(() => parseTemporalArtifact(JSON.stringify(bad)), message);
  }
  assert.throws(() => parseTemporalArtifact("{"), /not valid JSON/);
  const tampered = text.replace(/"threshold": [0-9.e-]+/, '"threshold": 1.5');
  assert.throws(() => parseTemporalArtifact(tampered), /does not match its version/);
});

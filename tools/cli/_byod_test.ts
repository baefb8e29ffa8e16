import assert from "node:assert/strict";
import { detectorKind, evaluateFiles, gridFlags, modelSummary, scoreFile } from "./_byod.ts";
import type { Dataset, Split } from "./_dataset.ts";
import {
  DEFAULT_MODEL_CONFIG,
  FEATURES,
  fitTemporal,
  toMatrix,
  trainModel,
} from "../../backend/detector/mod.ts";
import { simulate } from "../../lib/simulator/simulator.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

const point = trainModel({ ...DEFAULT_MODEL_CONFIG, nEstimators: 20, trainingSize: 1_000 });
const fleet = simulateFleet({ seed: 2, meters: 2, readingsPerMeter: 600, normalPrefix: 300 })
  .readings;
const temporal = fitTemporal(toMatrix(fleet), FEATURES, { window: 6, contamination: 0.02 }, {
  meters: fleet.map((r) => r.meter_id),
});

/** A dataset of simulated readings: labeled, with meters when they have them. */
function dataset(
  path: string,
  readings: { voltage: number; current: number; frequency: number; anomaly: boolean }[],
  meters: string[] | null = null,
  labeled = true,
): Dataset {
  return {
    path,
    sha256: "",
    data: {
      matrix: toMatrix(readings),
      labels: labeled ? readings.map((r) => r.anomaly) : null,
      meters,
      times: null,
      timeText: null,
      rows: readings.length,
      lines: readings.map((_, i) => i + 2),
    },
  };
}

const all = (n: number) => Array.from({ length: n }, (_, i) => i);
const inSample = (n: number): Split => ({ trainRows: n, fit: all(n), test: all(n) });

Deno.test("gridFlags() flags rows with an impossible value of a grid quantity only", () => {
  // Columns: voltage, an rpm reading (no grid quantity), frequency.
  const matrix = new Float64Array([230, 1500, 50, -5, 1500, 50, 230, -9e9, 50, 230, 1500, 0]);
  assert.deepEqual(gridFlags(matrix, ["voltage", "", "frequency"]), [false, true, false, true]);
  assert.deepEqual(gridFlags(matrix, ["", "", ""]), [false, false, false, false]);
  assert.deepEqual(gridFlags(new Float64Array(0), ["voltage"]), []);
});

Deno.test("scoreFile() scores a point model row by row, one stream per file", () => {
  const rows = simulate(300, { seed: 4, anomalyRate: 0.1 });
  rows[7] = { ...rows[7], voltage: -5 };
  const ds = dataset("a.csv", rows);
  const scored = scoreFile(point, ds, inSample(rows.length));
  assert.deepEqual([...scored.scores], [...point.scoreMatrix(ds.data.matrix)]);
  assert.deepEqual(scored.keys, new Array(rows.length).fill("a.csv"));
  assert.equal(scored.grid.filter(Boolean).length, 1);
  assert.equal(scored.grid[7], true);
});

Deno.test("scoreFile() scores a temporal model per meter stream", () => {
  const meters = fleet.map((r) => r.meter_id);
  const ds = dataset("f.csv", fleet, meters);
  const scored = scoreFile(temporal, ds, inSample(fleet.length));
  assert.deepEqual(scored.keys, meters);
  assert.deepEqual([...scored.scores], [...temporal.scoreRows(ds.data.matrix, meters)]);
  // Without the meter column the rows are one stream, which scores differently.
  const merged = scoreFile(temporal, dataset("f.csv", fleet), inSample(fleet.length));
  assert.notDeepEqual([...merged.scores], [...scored.scores]);
});

Deno.test("evaluateFiles() reports each file's test rows and pools them", () => {
  const a = simulate(400, { seed: 5, anomalyRate: 0.1 });
  const b = simulate(200, { seed: 6, anomalyRate: 0.2 });
  const split: Split = { trainRows: 100, fit: all(100), test: all(300).map((r) => r + 100) };
  const files = [
    scoreFile(point, dataset("a.csv", a), split),
    scoreFile(point, dataset("b.csv", b), inSample(b.length)),
  ];
  const e = evaluateFiles(files, point.threshold);
  assert.deepEqual(e.files.map((f) => [f.file, f.train_rows, f.fit_rows, f.rows]), [
    ["a.csv", 100, 100, 300],
    ["b.csv", 200, 200, 200],
  ]);
  assert.equal(e.pooled.rows, 500);
  const anomalies = a.slice(100).filter((r) => r.anomaly).length +
    b.filter((r) => r.anomaly).length;
  assert.equal(e.pooled.anomalies, anomalies);
  const m = e.pooled.model!;
  assert.equal(m.tp + m.fn, anomalies);
  assert.equal(m.tp + m.fp + m.tn + m.fn, 500);
  assert.ok(e.pr.length > 0 && e.pr.every((p) => p.recall >= 0 && p.recall <= 1));
  // One unlabeled file: no pooled metrics and no precision-recall curve.
  const unlabeled = scoreFile(point, dataset("c.csv", b, null, false), inSample(b.length));
  const partial = evaluateFiles([files[0], unlabeled], point.threshold);
  assert.equal(partial.pooled.model, null);
  assert.deepEqual(partial.pr, []);
});

Deno.test("detectorKind() and modelSummary() describe either detector", () => {
  assert.equal(detectorKind(point), "point");
  assert.equal(detectorKind(temporal), "temporal");
  const summary = modelSummary(point, "models/m.json");
  assert.deepEqual(summary, {
    detector: "point",
    name: "isolation_forest",
    version: point.info.version,
    content_hash: point.contentHash,
    features: point.features,
    grid: { voltage: "voltage", current: "current", frequency: "frequency" },
    config: point.info.config,
    threshold: point.threshold,
    artifact: "models/m.json",
  });
  const plain = trainModel({ ...DEFAULT_MODEL_CONFIG, nEstimators: 5, trainingSize: 300 }, {
    data: toMatrix(simulate(300, { seed: 1 })),
    features: ["voltage", "current", "frequency"],
    grid: { frequency: "frequency" },
  });
  assert.deepEqual(modelSummary(plain, null).grid, { frequency: "frequency" });
  assert.equal(modelSummary(temporal, null).detector, "temporal");
});

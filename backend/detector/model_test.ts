import assert from "node:assert/strict";
import {
  DEFAULT_MODEL_CONFIG,
  Model,
  simulatedSet,
  trainModel,
  validateModelConfig,
} from "./model.ts";
import { referenceScore } from "./_reference.ts";
import { EXTREME_READING, simulate, toReading } from "../../lib/simulator/simulator.ts";
import type { ModelConfig } from "./types.ts";

const SMALL: ModelConfig = { ...DEFAULT_MODEL_CONFIG, nEstimators: 50, trainingSize: 3_000 };

// One default-config model shared by the tests that only read it.
const model = trainModel(DEFAULT_MODEL_CONFIG);

interface Summary {
  samples: number;
  flaggedShare: number;
  scoreQuantiles: Record<string, number>;
  evaluation: {
    data: { seed: number; anomalyRate: number };
    precision: number;
    recall: number;
    f1: number;
    rocAuc: number;
  };
}

Deno.test("trainModel() threshold flags about the contamination share of training data", () => {
  const summary = model.info.training as unknown as Summary;
  assert.equal(summary.samples, 10_000);
  assert.ok(Math.abs(summary.flaggedShare - 0.05) < 0.005, `${summary.flaggedShare}`);
  assert.equal(model.threshold, model.info.threshold);
  assert.ok(model.threshold > summary.scoreQuantiles.p90);
  assert.ok(model.threshold <= summary.scoreQuantiles.p99);
  const higher = trainModel({ ...SMALL, contamination: 0.2 });
  const lower = trainModel({ ...SMALL, contamination: 0.01 });
  assert.ok(higher.threshold < lower.threshold);
});

Deno.test("trainModel() separates held-out simulated anomalies (ROC AUC > 0.95)", () => {
  const { evaluation } = model.info.training as unknown as Summary;
  assert.equal(evaluation.data.seed, 43);
  assert.equal(evaluation.data.anomalyRate, 0.05);
  assert.ok(evaluation.rocAuc > 0.95, `AUC ${evaluation.rocAuc}`);
  assert.ok(evaluation.recall > 0.8, `recall ${evaluation.recall}`);
  assert.ok(evaluation.precision > 0.4, `precision ${evaluation.precision}`);
});

Deno.test("Model.predict() flags the injected extreme reading with its reasons", () => {
  const [p] = model.predict([EXTREME_READING]);
  assert.equal(p.anomaly, true);
  assert.ok(p.score > model.threshold);
  assert.deepEqual(p.reasons?.map((r) => r.code), [
    "voltage_swell",
    "frequency_high",
    "current_high",
  ]);
});

Deno.test("Model.predict() passes most normal readings without reasons", () => {
  const readings = simulate(2_000, { seed: 99 }).map(toReading);
  const predictions = model.predict(readings);
  const flagged = predictions.filter((p) => p.anomaly).length / predictions.length;
  assert.ok(flagged < 0.1, `flagged ${flagged}`);
  for (const p of predictions) {
    assert.ok(p.score > 0 && p.score < 1);
    assert.equal(p.anomaly, p.reasons !== undefined);
  }
});

Deno.test("Model.predict() scores agree with the recursive reference", () => {
  const readings = [EXTREME_READING, { voltage: 229.3, current: 9.1, frequency: 50.02 }];
  const predictions = model.predict(readings);
  readings.forEach((r, i) => {
    const expected = referenceScore([r.voltage, r.current, r.frequency], model.parts.forest);
    assert.ok(Math.abs(predictions[i].score - expected) <= 1e-12);
  });
});

Deno.test("Model.predict() always flags sensor faults, with the score still computed", () => {
  // A threshold no score reaches isolates the sensor-fault rule.
  const strict = new Model({ ...model.parts, threshold: 0.999_999 });
  const [fault, normal] = strict.predict([
    { voltage: -5, current: 10, frequency: 50 },
    { voltage: 245, current: 17, frequency: 50.2 },
  ]);
  assert.equal(fault.anomaly, true);
  assert.equal(fault.reasons?.[0].code, "sensor_fault");
  assert.ok(fault.score > 0 && fault.score < 0.999_999);
  assert.equal(normal.anomaly, false);
});

Deno.test("Model.predict() flags a value beyond the training range whatever its score", () => {
  // A threshold no score reaches isolates the range guard; the forest alone scores 253 V and
  // 999 V alike (both beyond everything it was trained on).
  const strict = new Model({ ...model.parts, threshold: 0.999_999 });
  const { mean, sd } = model.parts.stats;
  const at = (z: number[]) => ({
    voltage: mean[0] + z[0] * sd[0],
    current: mean[1] + z[1] * sd[1],
    frequency: mean[2] + z[2] * sd[2],
  });
  const [inside, edge, voltage, current, low] = strict.predict([
    at([-5.9, 5.9, 5.9]),
    at([6.1, 0, 0]),
    { voltage: 999, current: 10, frequency: 50 },
    { voltage: 230, current: 28, frequency: 50 },
    at([0, 0, -6.1]),
  ]);
  assert.equal(inside.anomaly, false);
  assert.equal(edge.anomaly, true);
  // Inside every EN 50160 band (under 253 V): the model's reason says why.
  assert.equal(edge.reasons?.[0].code, "model_outlier");
  assert.equal(edge.reasons?.[0].reference, "range guard");
  assert.equal(edge.reasons?.[0].severity, "warning");
  assert.match(edge.reasons?.[0].message ?? "", /beyond the 6 sd/);
  assert.equal(voltage.anomaly, true);
  assert.equal(voltage.reasons?.[0].code, "voltage_swell");
  assert.equal(current.anomaly, true);
  assert.equal(low.anomaly, true);
  assert.equal(low.reasons?.[0].feature ?? low.reasons?.[0].signal, "frequency");
  // The same readings, scored by the forest alone, are not over its threshold.
  for (const p of model.predict([{ voltage: 999, current: 10, frequency: 50 }])) {
    assert.ok(p.score < model.threshold, `forest score ${p.score}`);
  }
});

Deno.test("trainModel() evaluates with the rules predict() applies", () => {
  const e = (model.parts.training as unknown as Summary).evaluation;
  // Every labelled point anomaly of the default evaluation day is flagged (score or rule).
  assert.equal(e.recall, 1);
});

Deno.test("Model.predict() explains outliers inside every band with the model's view", () => {
  const [p] = model.predict([{ voltage: 230, current: 10, frequency: 49.7 }]);
  assert.equal(p.anomaly, true);
  assert.equal(p.reasons?.length, 1);
  assert.equal(p.reasons?.[0].code, "model_outlier");
  assert.equal(p.reasons?.[0].feature, "frequency");
  assert.equal(p.reasons?.[0].severity, "warning");
});

Deno.test("Model.predict() rejects non-finite values naming the reading and field", () => {
  const bad = [EXTREME_READING, { voltage: NaN, current: 1, frequency: 50 }];
  assert.throws(() => model.predict(bad), {
    name: "TypeError",
    message: "readings[1].voltage must be a finite number, got null",
  });
});

Deno.test("trainModel() gives the same version for the same config and another otherwise", () => {
  const a = trainModel(SMALL);
  const b = trainModel(SMALL);
  assert.equal(a.contentHash, b.contentHash);
  assert.match(a.contentHash, /^sha256:[0-9a-f]{64}$/);
  assert.equal(a.info.version, a.contentHash.slice(0, 19));
  assert.notEqual(trainModel({ ...SMALL, seed: 7 }).contentHash, a.contentHash);
  assert.notEqual(trainModel({ ...SMALL, contamination: 0.1 }).contentHash, a.contentHash);
});

Deno.test("trainModel() trains on own data with other feature names", () => {
  const set = simulatedSet({ size: 500, seed: 5 });
  // Two columns, renamed: what a CSV with columns "u" and "i" gives.
  const data = new Float64Array(1_000);
  for (let r = 0; r < 500; r++) {
    data[2 * r] = set.matrix[3 * r];
    data[2 * r + 1] = set.matrix[3 * r + 1];
  }
  const own = trainModel({ ...SMALL, trainingSize: 500 }, {
    data,
    features: ["u", "i"],
    dataDescription: { source: "csv", file: "x.csv" },
  });
  assert.deepEqual(own.info.features, ["u", "i"]);
  assert.deepEqual((own.info.training as { data: unknown }).data, { source: "csv", file: "x.csv" });
  assert.equal((own.info.training as { evaluation: unknown }).evaluation, null);
  const [p] = own.predictMatrix(new Float64Array([400, 10]));
  assert.equal(p.anomaly, true);
  assert.equal(p.reasons?.[0].feature, "u");
  assert.throws(
    () => trainModel(SMALL, { data, features: ["u", "i"] }),
    /trainingSize \(3000\) rows of 2 values, got 500 rows/,
  );
  assert.throws(() => trainModel(SMALL, { features: ["u", "i"] }), /Simulated training data/);
});

Deno.test("validateModelConfig() rejects each bad field quoting the value", () => {
  const cases: [Partial<ModelConfig>, string][] = [
    [{ contamination: 0 }, "Contamination must be greater than 0 and at most 0.5, got 0"],
    [{ contamination: 0.6 }, "Contamination must be greater than 0 and at most 0.5, got 0.6"],
    [{ nEstimators: 1.5 }, "Tree count (nEstimators) must be an integer from 1 to 10000, got 1.5"],
    [{ sampleSize: 1 }, "Sample size must be an integer from 2 to 1000000, got 1"],
    [{ seed: -1 }, "Seed must be an integer from 0 to 4294967295, got -1"],
    [{ trainingSize: 0 }, "Training size must be an integer from 2 to 10000000, got 0"],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => validateModelConfig({ ...DEFAULT_MODEL_CONFIG, ...change }), {
      name: "RangeError",
      message,
    });
  }
});

Deno.test("Model.withOptions() keeps the version and changes source and rated current", () => {
  const copy = model.withOptions({ source: "loaded from artifact x", ratedCurrent: 40 });
  assert.equal(copy.contentHash, model.contentHash);
  assert.equal(copy.info.source, "loaded from artifact x");
  const [p] = copy.predict([EXTREME_READING]);
  assert.deepEqual(p.reasons?.map((r) => r.code), ["voltage_swell", "frequency_high"]);
});

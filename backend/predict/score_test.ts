import assert from "node:assert/strict";
import { requireDetector, scoreRequest } from "./score.ts";
import { ServiceState } from "./state.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { HttpError } from "../../lib/problem.ts";
import { FakeDetector } from "../tests/_fake_detector.ts";
import type { Prediction, Reading } from "../detector/mod.ts";

const R = { voltage: 230, current: 10, frequency: 50 };

async function value(metrics: ReturnType<typeof createMetrics>, name: string, labels = {}) {
  const metric = metrics.registry.getSingleMetric(name)!;
  const values = (await metric.get()).values.filter((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l)
  );
  return values.reduce((sum, v) => sum + v.value, 0);
}

Deno.test("requireDetector() answers 503 with Retry-After and the state until a model is loaded", () => {
  const state = new ServiceState();
  try {
    requireDetector(state);
    assert.fail("served without a model");
  } catch (err) {
    assert.ok(err instanceof HttpError);
    assert.equal(err.status, 503);
    assert.equal(err.message, "Model is loading");
    assert.equal(err.headers?.["retry-after"], "5");
  }
  const detector = new FakeDetector();
  state.setReady(detector);
  state.startDraining();
  assert.equal(requireDetector(state), detector, "still served while draining");
});

Deno.test("scoreRequest() scores valid readings, counts them and tells onScored", async () => {
  const metrics = createMetrics();
  const detector = new FakeDetector();
  const told: [readonly Reading[], readonly Prediction[]][] = [];
  const body = { readings: [R, { ...R, voltage: 300, extra: 1 }], note: "x" };
  const res = scoreRequest(detector, body, {
    metrics,
    maxBatch: 10,
    servedBy: "pod:1",
    onScored: (readings, predictions) => told.push([readings, predictions]),
  });
  assert.deepEqual(
    { ...res, predictions: res.predictions.map((p) => p.anomaly) },
    {
      predictions: [false, true],
      anomalies: 1,
      total: 2,
      served_by: "pod:1",
      model_version: "sha256:fake00000000",
    },
  );
  assert.deepEqual(told[0][0], [R, { ...R, voltage: 300 }]);
  assert.equal(told[0][1], res.predictions);
  assert.equal(await value(metrics, "readings_total"), 2);
  assert.equal(await value(metrics, "anomalies_total"), 1);
  assert.equal(await value(metrics, "ignored_fields_total", { where: "body" }), 1);
  assert.equal(await value(metrics, "ignored_fields_total", { where: "reading" }), 1);
  const inference = (await metrics.inferenceLatency.get()).values;
  assert.equal(inference.find((v) => v.metricName === "inference_latency_seconds_count")?.value, 1);
  const batch = (await metrics.batchSize.get()).values;
  assert.equal(batch.find((v) => v.metricName === "predict_batch_size_count")?.value, 1);
  assert.equal(batch.find((v) => v.metricName === "predict_batch_size_sum")?.value, 2);
  // Another registry (another worker, another test) counts on its own.
  const other = createMetrics();
  scoreRequest(detector, { readings: [R] }, { metrics: other, maxBatch: 10, servedBy: "pod:1" });
  assert.equal(await value(other, "readings_total"), 1);
  assert.equal(await value(metrics, "readings_total"), 2);
});

Deno.test("scoreRequest() turns a validation failure into a 422 with every error and the limit", () => {
  const detector = new FakeDetector();
  const metrics = createMetrics();
  try {
    scoreRequest(detector, { readings: [R, R, R] }, { metrics, maxBatch: 2, servedBy: "p" });
    assert.fail("accepted 3 readings with MAX_BATCH 2");
  } catch (err) {
    assert.ok(err instanceof HttpError);
    assert.equal(err.status, 422);
    assert.equal(err.message, "readings has 3 readings; the limit is 2 per request (MAX_BATCH)");
    assert.deepEqual(err.extra, { limit: 2 });
  }
  try {
    scoreRequest(detector, { readings: [{ ...R, voltage: null }, {}] }, {
      metrics,
      maxBatch: 2,
      servedBy: "p",
    });
    assert.fail("accepted bad readings");
  } catch (err) {
    assert.ok(err instanceof HttpError);
    assert.equal(err.errors?.length, 4);
    assert.equal(err.message, "readings[0].voltage must be a finite number, got null (and 3 more)");
  }
  assert.equal(detector.calls, 0, "nothing invalid reaches the model");
});

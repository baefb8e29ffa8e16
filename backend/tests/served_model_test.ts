/**
 * Serve what you trained: the loaded model's features define what `/predict`
 * accepts and what `/openapi.json` and `/model` say; `meter_id` and
 * `timestamp` are validated, and time order is checked per meter; a temporal
 * model reads each meter's readings (and optional context) as its stream.
 */
import assert from "node:assert/strict";
import { createApp } from "../http/app.ts";
import { loadConfig } from "../config.ts";
import { silentLogger } from "../../lib/logger.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { ServiceState } from "../predict/state.ts";
import {
  DEFAULT_MODEL_CONFIG,
  type Detector,
  FEATURES,
  fitTemporal,
  toMatrix,
  trainModel,
} from "../detector/mod.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

function appWith(detector: Detector) {
  const config = loadConfig({ MAX_BATCH: "100", MAX_BODY_BYTES: "65536" });
  const state = new ServiceState();
  state.setReady(detector);
  return createApp({
    config,
    state,
    metrics: createMetrics(),
    logger: silentLogger,
    servedBy: "t:1",
  });
}

async function post(app: ReturnType<typeof appWith>, body: unknown) {
  const res = await app.request("/predict", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, body: await res.json() };
}

const training = simulateFleet({ seed: 1, meters: 2, readingsPerMeter: 1500, kinds: [] }).readings;
const temporal = fitTemporal(toMatrix(training), FEATURES, { window: 8, contamination: 0.01 }, {
  meters: training.map((r) => r.meter_id),
});

Deno.test("a temporal model reads meter streams and context, and /model and /openapi.json say so", async () => {
  const app = appWith(temporal);
  const normal = training.filter((r) => r.meter_id === "meter-01").slice(0, 20);
  const reading = (r: (typeof normal)[number], voltage = r.voltage) => ({
    voltage,
    current: r.current,
    frequency: r.frequency,
    timestamp: r.timestamp,
    meter_id: r.meter_id,
  });
  // The voltage sensor freezes for the last 10 readings.
  const frozen = normal.map((r, i) => reading(r, i >= 10 ? normal[9].voltage : r.voltage));
  const whole = await post(app, { readings: frozen });
  assert.equal(whole.status, 200, JSON.stringify(whole.body));
  assert.equal(whole.body.total, 20);
  const last = whole.body.predictions[19];
  assert.equal(last.anomaly, true);
  assert.equal(last.reasons.at(-1).code, "flatline");
  assert.match(last.reasons.at(-1).message, /of meter-01 \(sd 0 V/);
  // The same last 6 readings with the 7 before them as context: the same answers.
  const split = await post(app, { readings: frozen.slice(14), context: frozen.slice(7, 14) });
  assert.equal(split.status, 200);
  assert.deepEqual(split.body.predictions, whole.body.predictions.slice(14));

  const model = await (await app.request("/model")).json();
  assert.equal(model.name, "temporal_window");
  assert.deepEqual(model.config, { window: 8, contamination: 0.01 });
  assert.equal((await (await app.request("/health")).json()).model, "temporal_window");
  const doc = await (await app.request("/openapi.json")).json();
  const schema = doc.components.schemas.Reading;
  assert.deepEqual(schema.required, ["voltage", "current", "frequency"]);
  assert.deepEqual(schema.properties.meter_id.type, ["string", "null"]);
  assert.ok(doc.components.schemas.PredictRequest.properties.context);
});

Deno.test("a model trained on other columns defines what /predict accepts", async () => {
  const rows = 400;
  const data = new Float64Array(rows * 2).map((_, i) => (i % 2 === 0 ? 1500 : 40) + (i % 7));
  const custom = trainModel({ ...DEFAULT_MODEL_CONFIG, nEstimators: 20, trainingSize: rows }, {
    data,
    features: ["rpm", "frequency"],
    grid: {},
    evaluation: false,
  });
  const app = appWith(custom);
  const ok = await post(app, { readings: [{ rpm: 1503, frequency: 500 }] });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  // "frequency" here is not a grid quantity: 500 is no sensor fault.
  assert.ok(
    !(ok.body.predictions[0].reasons ?? []).some((r: { code: string }) =>
      r.code === "sensor_fault"
    ),
  );
  const missing = await post(app, { readings: [{ voltage: 230, current: 10, frequency: 50 }] });
  assert.equal(missing.status, 422);
  assert.equal(
    missing.body.errors[0].message,
    'readings[0].rpm is required; unknown keys are ignored, this reading has "voltage", "current"',
  );
  const doc = await (await app.request("/openapi.json")).json();
  assert.deepEqual(doc.components.schemas.Reading.required, ["rpm", "frequency"]);
  assert.deepEqual(doc.paths["/predict"].post.requestBody.content["application/json"].example, {
    readings: [{ rpm: 1, frequency: 1 }],
  });
  const model = await (await app.request("/model")).json();
  assert.deepEqual(model.features, ["rpm", "frequency"]);
});

Deno.test("POST /predict validates meter_id and time order per meter", async () => {
  const app = appWith(temporal);
  const r = (meter: string | null, timestamp: string) => ({
    voltage: 230,
    current: 10,
    frequency: 50,
    meter_id: meter,
    timestamp,
  });
  // Interleaved meters, each in order: fine; null meter_id means none.
  const ok = await post(app, {
    readings: [
      r("a", "2026-01-01T00:00:02Z"),
      r("b", "2026-01-01T00:00:01Z"),
      r("a", "2026-01-01T00:00:03Z"),
      r(null, "2026-01-01T00:00:00Z"),
    ],
  });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const backwards = await post(app, {
    context: [r("a", "2026-01-01T00:00:05Z")],
    readings: [r("b", "2026-01-01T00:00:01Z"), r("a", "2026-01-01T00:00:04Z")],
  });
  assert.equal(backwards.status, 422);
  assert.equal(
    backwards.body.errors[0].message,
    'readings[1].timestamp "2026-01-01T00:00:04Z" is earlier than context[0].timestamp of the ' +
      'same meter "a"; send each meter\'s readings in time order',
  );
  const badMeter = await post(app, {
    readings: [{ ...r("a", "2026-01-01T00:00:00Z"), meter_id: 7 }],
  });
  assert.equal(badMeter.status, 422);
  assert.equal(
    badMeter.body.errors[0].message,
    "readings[0].meter_id must be a string of 1 to 128 characters or null, got 7",
  );
  const badContext = await post(app, { readings: [r("a", "2026-01-01T00:00:00Z")], context: {} });
  assert.equal(badContext.status, 422);
  assert.equal(badContext.body.errors[0].message, "context must be an array, got an object");
});

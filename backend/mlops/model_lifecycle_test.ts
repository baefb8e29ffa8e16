import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { type Reading, trainModel } from "../detector/mod.ts";
import { silentLogger } from "../../lib/logger.ts";
import { Simulator } from "../../lib/simulator/simulator.ts";
import { ServiceState } from "../predict/state.ts";
import { createLifecycleMetrics } from "../metrics/mlops_metrics.ts";
import { INFERENCE_LATENCY_BUCKETS } from "../metrics/metrics.ts";
import { ModelLifecycle } from "./model_lifecycle.ts";

// 5,000 rows over a day: enough of them match the hours of a short window (drift_check.ts).
const config = { nEstimators: 20, sampleSize: 64, seed: 3, trainingSize: 5000 };
const champion = trainModel({ ...config, contamination: 0.05 }, { evaluation: false });
const challenger = trainModel({ ...config, contamination: 0.2 }, { evaluation: false });

function setup(env: { shadowRate?: number } = {}) {
  const registry = new Registry();
  const metrics = createLifecycleMetrics(registry, INFERENCE_LATENCY_BUCKETS);
  const state = new ServiceState();
  const lifecycle = new ModelLifecycle({
    state,
    metrics,
    logger: silentLogger,
    shadowRate: env.shadowRate ?? 1,
    shadowQueue: 10_000,
    // Ten time slices of 400: a test's readings arrive within one slice and all stay.
    drift: {
      capacity: 4000,
      maxAgeSeconds: 300,
      minReadings: 100,
      alpha: 0.01,
      minStatistic: 0.1,
      cacheMs: 0,
    },
  });
  state.setReady(champion);
  return { registry, state, lifecycle };
}

function serve(lifecycle: ModelLifecycle, readings: Reading[]) {
  lifecycle.observe(readings, champion.predict(readings));
}

Deno.test("ModelLifecycle shadows a challenger and counts agreement per reading", async () => {
  const { registry, lifecycle } = setup();
  lifecycle.setChallenger(challenger);
  const readings = new Simulator({ seed: 9, anomalyRate: 0.1 }).batch(200);
  serve(lifecycle, readings);
  await lifecycle.idle();
  const text = await registry.metrics();
  const agree = Number(
    /^shadow_predictions_total\{champion="[^"]+",challenger="[^"]+",agree="true"\} (\d+)$/m.exec(
      text,
    )?.[1] ?? 0,
  );
  const disagree = Number(
    /^shadow_predictions_total\{champion="[^"]+",challenger="[^"]+",agree="false"\} (\d+)$/m.exec(
      text,
    )?.[1] ?? 0,
  );
  assert.equal(agree + disagree, 200);
  assert.ok(disagree > 0, "a 20 % contamination model flags more than a 5 % one");
  assert.match(
    text,
    new RegExp(`^challenger_info\\{version="${challenger.info.version}"\\} 1$`, "m"),
  );
});

Deno.test("ModelLifecycle does not shadow a challenger that is the champion", async () => {
  const { registry, lifecycle, state } = setup();
  lifecycle.setChallenger(challenger);
  state.setReady(challenger); // promoted
  assert.equal(lifecycle.shadowed, null);
  serve(lifecycle, new Simulator({ seed: 1 }).batch(10));
  await lifecycle.idle();
  assert.doesNotMatch(await registry.metrics(), /^shadow_predictions_total\{/m);
  lifecycle.setChallenger(null);
  assert.doesNotMatch(await registry.metrics(), /^challenger_info\{/m);
});

Deno.test("ModelLifecycle reports drift of shifted inputs and resets the window for a new champion", async () => {
  const { registry, lifecycle, state } = setup();
  const normal = new Simulator({ seed: 5 }).batch(400);
  serve(lifecycle, normal);
  const calm = await registry.metrics();
  const psi = (text: string, f: string) =>
    Number(new RegExp(`^feature_drift_psi\\{feature="${f}"\\} (\\S+)$`, "m").exec(text)?.[1]);
  assert.ok(psi(calm, "voltage") < 0.1, `calm ${psi(calm, "voltage")}`);
  serve(lifecycle, normal.map((r) => ({ ...r, voltage: r.voltage + 8 })));
  const drifted = await registry.metrics();
  assert.ok(psi(drifted, "voltage") > 0.25, `drifted ${psi(drifted, "voltage")}`);
  assert.ok(psi(drifted, "current") < 0.1, "only voltage moved");
  assert.match(drifted, /^feature_drift_detected\{feature="voltage"\} 1$/m);
  assert.match(drifted, /^feature_drift_detected\{feature="current"\} 0$/m);
  state.setReady(challenger);
  assert.match(await registry.metrics(), /^drift_window_readings 0$/m);
});

Deno.test("ModelLifecycle labels shadow series with the pair and exports only the current experiment", async () => {
  const { registry, lifecycle } = setup();
  lifecycle.setChallenger(challenger);
  const first = lifecycle.experiment;
  assert.deepEqual(
    [first?.champion, first?.challenger],
    [champion.info.version.slice(0, 19), challenger.info.version.slice(0, 19)],
  );
  serve(lifecycle, new Simulator({ seed: 2 }).batch(50));
  await lifecycle.idle();
  const pair = `champion="${first?.champion}",challenger="${first?.challenger}"`;
  assert.match(await registry.metrics(), new RegExp(`^shadow_predictions_total\\{${pair},`, "m"));
  // A new challenger starts a new experiment: the previous pair's series are gone.
  const next = trainModel({ ...config, contamination: 0.1 }, { evaluation: false });
  lifecycle.setChallenger(next);
  assert.notEqual(lifecycle.experiment?.challenger, first?.challenger);
  assert.ok(lifecycle.experiment!.since >= first!.since);
  serve(lifecycle, new Simulator({ seed: 3 }).batch(20));
  await lifecycle.idle();
  const text = await registry.metrics();
  assert.doesNotMatch(text, new RegExp(pair));
  const total = [...text.matchAll(/^shadow_predictions_total\{[^}]*\} (\d+)$/gm)]
    .reduce((n, m) => n + Number(m[1]), 0);
  assert.equal(total, 20);
});

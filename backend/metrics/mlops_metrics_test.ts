import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { aggregateMetrics, snapshotMetrics } from "./metrics.ts";
import { createLifecycleMetrics } from "./mlops_metrics.ts";
import { INFERENCE_LATENCY_BUCKETS } from "./metrics.ts";

Deno.test("createLifecycleMetrics() reads feature_drift_psi from its source at scrape time", async () => {
  const registry = new Registry();
  const m = createLifecycleMetrics(registry, INFERENCE_LATENCY_BUCKETS);
  assert.doesNotMatch(await registry.metrics(), /^feature_drift_psi\{/m);
  let value = 0.3;
  m.setDriftSource({ psi: () => ({ voltage: value, current: 0.01 }), size: () => 1234 });
  assert.match(await registry.metrics(), /^feature_drift_psi\{feature="voltage"\} 0.3$/m);
  assert.match(await registry.metrics(), /^drift_window_readings 1234$/m);
  value = 0.05;
  assert.match(await registry.metrics(), /^feature_drift_psi\{feature="voltage"\} 0.05$/m);
  m.setDriftSource({ psi: () => null, size: () => 10 });
  assert.doesNotMatch(await registry.metrics(), /^feature_drift_psi\{/m);
});

Deno.test("createLifecycleMetrics() averages drift and sums shadow counts across workers", async () => {
  const [ra, rb] = [new Registry(), new Registry()];
  const [a, b] = [
    createLifecycleMetrics(ra, INFERENCE_LATENCY_BUCKETS),
    createLifecycleMetrics(rb, INFERENCE_LATENCY_BUCKETS),
  ];
  a.setDriftSource({ psi: () => ({ voltage: 0.2 }), size: () => 1 });
  b.setDriftSource({ psi: () => ({ voltage: 0.4 }), size: () => 1 });
  a.shadowPredictions.inc({ agree: "true" }, 3);
  b.shadowPredictions.inc({ agree: "true" }, 4);
  const text = await aggregateMetrics([await snapshotMetrics(ra), await snapshotMetrics(rb)]);
  assert.match(text, /^feature_drift_psi\{feature="voltage"\} 0.3\d*$/m);
  assert.match(text, /^shadow_predictions_total\{agree="true"\} 7$/m);
});

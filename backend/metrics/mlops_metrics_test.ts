import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { aggregateMetrics, snapshotMetrics } from "./metrics.ts";
import { createLifecycleMetrics } from "./mlops_metrics.ts";
import { INFERENCE_LATENCY_BUCKETS } from "./metrics.ts";
import type { DriftFigures } from "./mlops_metrics.ts";

/** A drift result with `psi` for voltage and current and one verdict. */
function figures(psi: number, drift = false, rows: number | null = 1000): DriftFigures {
  const f = (p: number) => ({
    ks_statistic: drift ? 0.4 : 0.02,
    ks_p_value: drift ? 1e-9 : 0.6,
    psi: p,
    verdict: drift ? "drift" : "no_drift",
  });
  return {
    reference_rows: rows,
    reference_match: "all_rows",
    features: { voltage: f(psi), current: f(0.01) },
    multivariate: { test: "mmd", statistic: 0.001, p_value: 0.5, verdict: "no_drift" },
  };
}

Deno.test("createLifecycleMetrics() reads feature_drift_psi from its source at scrape time", async () => {
  const registry = new Registry();
  const m = createLifecycleMetrics(registry, INFERENCE_LATENCY_BUCKETS);
  assert.doesNotMatch(await registry.metrics(), /^feature_drift_psi\{/m);
  let value = 0.3;
  m.setDriftSource({ evaluate: () => figures(value), size: () => 1234 });
  assert.match(await registry.metrics(), /^feature_drift_psi\{feature="voltage"\} 0.3$/m);
  assert.match(await registry.metrics(), /^drift_window_readings 1234$/m);
  value = 0.05;
  assert.match(await registry.metrics(), /^feature_drift_psi\{feature="voltage"\} 0.05$/m);
  m.setDriftSource({ evaluate: () => null, size: () => 10 });
  assert.doesNotMatch(await registry.metrics(), /^feature_drift_psi\{/m);
});

Deno.test("createLifecycleMetrics() exports the KS and MMD figures and verdicts, only with a reference", async () => {
  const registry = new Registry();
  const m = createLifecycleMetrics(registry, INFERENCE_LATENCY_BUCKETS);
  m.setDriftSource({ evaluate: () => figures(0.9, true), size: () => 5000 });
  const text = await registry.metrics();
  assert.match(text, /^feature_drift_p_value\{feature="voltage",test="ks"\} 1e-9$/m);
  assert.match(text, /^feature_drift_statistic\{feature="voltage",test="ks"\} 0.4$/m);
  assert.match(text, /^feature_drift_detected\{feature="current"\} 1$/m);
  assert.match(text, /^input_drift_p_value\{test="mmd"\} 0.5$/m);
  assert.match(text, /^input_drift_detected\{test="mmd"\} 0$/m);
  assert.match(text, /^drift_reference_rows 1000$/m);
  // An old artifact: PSI stays, the tests say nothing, and the reference gauge says 0.
  m.setDriftSource({ evaluate: () => figures(0.9, false, null), size: () => 5000 });
  const old = await registry.metrics();
  assert.match(old, /^feature_drift_psi\{feature="voltage"\} 0.9$/m);
  assert.doesNotMatch(old, /^(feature_drift_p_value|feature_drift_detected|input_drift_\w+)\{/m);
  assert.match(old, /^drift_reference_rows 0$/m);
  assert.match(old, /^drift_reference_missing 1$/m);
});

Deno.test("createLifecycleMetrics() averages drift and sums shadow counts across workers", async () => {
  const [ra, rb] = [new Registry(), new Registry()];
  const [a, b] = [
    createLifecycleMetrics(ra, INFERENCE_LATENCY_BUCKETS),
    createLifecycleMetrics(rb, INFERENCE_LATENCY_BUCKETS),
  ];
  a.setDriftSource({ evaluate: () => figures(0.2), size: () => 1 });
  b.setDriftSource({ evaluate: () => figures(0.4, true), size: () => 1 });
  a.shadowPredictions.inc({ champion: "sha256:a", challenger: "sha256:b", agree: "true" }, 3);
  b.shadowPredictions.inc({ champion: "sha256:a", challenger: "sha256:b", agree: "true" }, 4);
  const text = await aggregateMetrics([await snapshotMetrics(ra), await snapshotMetrics(rb)]);
  assert.match(text, /^feature_drift_psi\{feature="voltage"\} 0.3\d*$/m);
  // The most alarming worker: smallest p-value, largest statistic, any drift verdict.
  assert.match(text, /^feature_drift_p_value\{feature="voltage",test="ks"\} 1e-9$/m);
  assert.match(text, /^feature_drift_statistic\{feature="voltage",test="ks"\} 0.4$/m);
  assert.match(text, /^feature_drift_detected\{feature="voltage"\} 1$/m);
  assert.match(
    text,
    /^shadow_predictions_total\{champion="sha256:a",challenger="sha256:b",agree="true"\} 7$/m,
  );
});

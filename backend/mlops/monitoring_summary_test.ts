import assert from "node:assert/strict";
import { createMetrics } from "../metrics/metrics.ts";
import { monitoringSummary } from "./monitoring_summary.ts";

Deno.test("monitoringSummary() reads shadow, drift and feedback figures from the exposition", async () => {
  const m = createMetrics();
  m.readingsTotal.inc(1000);
  m.anomaliesTotal.inc(100);
  m.lifecycle.shadowPredictions.inc({ agree: "true" }, 90);
  m.lifecycle.shadowPredictions.inc({ agree: "false" }, 10);
  m.lifecycle.shadowAnomalies.inc(15);
  m.lifecycle.shadowDropped.inc(4);
  m.lifecycle.setDriftSource({ psi: () => ({ voltage: 0.3, current: 0.01 }), size: () => 500 });
  m.lifecycle.feedback.inc({ model_version: "sha256:aaaaaaaaaaaa", outcome: "tp" }, 3);
  m.lifecycle.feedback.inc({ model_version: "sha256:aaaaaaaaaaaa", outcome: "fp" }, 1);
  m.lifecycle.feedback.inc({ model_version: "sha256:aaaaaaaaaaaa", outcome: "fn" }, 1);
  const s = monitoringSummary(await m.registry.metrics());
  assert.deepEqual(s.champion, { readings: 1000, anomalies: 100, anomaly_rate: 0.1 });
  assert.deepEqual(s.shadow, {
    agree: 90,
    disagree: 10,
    agreement: 0.9,
    anomalies: 15,
    anomaly_rate: 0.15,
    dropped: 4,
  });
  assert.deepEqual(s.drift, { voltage: 0.3, current: 0.01 });
  assert.deepEqual(s.feedback["sha256:aaaaaaaaaaaa"], {
    tp: 3,
    fp: 1,
    fn: 1,
    tn: 0,
    precision: 0.75,
    recall: 0.75,
  });
});

Deno.test("monitoringSummary() of a fresh service has no ratios, drift or feedback", async () => {
  const s = monitoringSummary(await createMetrics().registry.metrics());
  assert.equal(s.champion.anomaly_rate, null);
  assert.equal(s.shadow.agreement, null);
  assert.deepEqual(s.drift, {});
  assert.deepEqual(s.feedback, {});
});

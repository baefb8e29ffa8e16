import assert from "node:assert/strict";
import { createMetrics } from "../metrics/metrics.ts";
import { monitoringSummary } from "./monitoring_summary.ts";
import type { DriftSettings } from "./drift_check.ts";

const drift: DriftSettings = {
  capacity: 5000,
  maxAgeSeconds: 300,
  minReadings: 500,
  alpha: 0.01,
  minStatistic: 0.1,
};
const feature = (psi: number, p: number, d: number, verdict: string) => ({
  ks_statistic: d,
  ks_p_value: p,
  psi,
  verdict,
});

Deno.test("monitoringSummary() reads shadow, drift and feedback figures from the exposition", async () => {
  const m = createMetrics();
  m.readingsTotal.inc(1000);
  m.anomaliesTotal.inc(100);
  const pair = { champion: "sha256:aaaaaaaaaaaa", challenger: "sha256:bbbbbbbbbbbb" };
  m.lifecycle.shadowPredictions.inc({ ...pair, agree: "true" }, 90);
  m.lifecycle.shadowPredictions.inc({ ...pair, agree: "false" }, 10);
  m.lifecycle.shadowAnomalies.inc(pair, 15);
  m.lifecycle.shadowDropped.inc(4);
  m.lifecycle.setDriftSource({
    evaluate: () => ({
      reference_rows: 1000,
      reference_match: "time_of_day",
      features: {
        voltage: feature(0.3, 1e-12, 0.4, "drift"),
        current: feature(0.01, 0.5, 0.03, "no_drift"),
      },
      multivariate: { test: "mmd", statistic: 0.2, p_value: 0.002, verdict: "drift" },
    }),
    size: () => 500,
  });
  m.lifecycle.feedback.inc({ model_version: "sha256:aaaaaaaaaaaa", outcome: "tp" }, 3);
  m.lifecycle.feedback.inc({ model_version: "sha256:aaaaaaaaaaaa", outcome: "fp" }, 1);
  m.lifecycle.feedback.inc({ model_version: "sha256:aaaaaaaaaaaa", outcome: "fn" }, 1);
  const s = monitoringSummary(await m.registry.metrics(), { drift });
  assert.deepEqual(s.champion, { readings: 1000, anomalies: 100, anomaly_rate: 0.1 });
  assert.deepEqual(s.shadow, {
    agree: 90,
    disagree: 10,
    agreement: 0.9,
    anomalies: 15,
    anomaly_rate: 0.15,
    dropped: 4,
  });
  assert.equal(s.drift.verdict, "drift");
  assert.deepEqual(s.drift.features.voltage, {
    ks_statistic: 0.4,
    ks_p_value: 1e-12,
    psi: 0.3,
    verdict: "drift",
  });
  assert.equal(s.drift.features.current.verdict, "no_drift");
  assert.deepEqual(s.drift.multivariate, {
    test: "mmd",
    statistic: 0.2,
    p_value: 0.002,
    verdict: "drift",
  });
  assert.deepEqual(s.drift.window, {
    readings: 500,
    min_readings: 500,
    capacity: 5000,
    max_age_s: 300,
  });
  assert.equal(s.drift.reference_rows, 1000);
  assert.equal(s.drift.reference_match, "time_of_day");
  assert.equal(s.drift.thresholds.per_test_alpha, 0.01 / 3);
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
  const s = monitoringSummary(await createMetrics().registry.metrics(), {
    drift,
    features: ["voltage"],
  });
  assert.equal(s.champion.anomaly_rate, null);
  assert.equal(s.shadow.agreement, null);
  assert.equal(s.drift.verdict, "insufficient_data");
  assert.deepEqual(s.drift.features, {
    voltage: { ks_statistic: null, ks_p_value: null, psi: null, verdict: "insufficient_data" },
  });
  assert.deepEqual(s.feedback, {});
});

Deno.test("monitoringSummary() says no_reference for a champion whose artifact has no sample", async () => {
  const m = createMetrics();
  m.lifecycle.setDriftSource({
    evaluate: () => ({
      reference_rows: null,
      reference_match: "all_rows",
      features: { voltage: feature(0.02, 1, 0, "no_reference") },
      multivariate: { test: "mmd", statistic: null, p_value: null, verdict: "no_reference" },
    }),
    size: () => 900,
  });
  const s = monitoringSummary(await m.registry.metrics(), { drift });
  assert.equal(s.drift.verdict, "no_reference");
  assert.deepEqual(s.drift.features.voltage, {
    ks_statistic: null,
    ks_p_value: null,
    psi: 0.02,
    verdict: "no_reference",
  });
  assert.equal(s.drift.reference_rows, null);
});

import assert from "node:assert/strict";
import { createMetrics } from "../metrics/metrics.ts";
import { tinyModel } from "../tests/_models.ts";
import { CanaryRouter, NO_CANARY } from "./canary_router.ts";
import {
  CanaryGuard,
  type GuardSettings,
  judge,
  p99,
  type RoleHealth,
  talliesOf,
} from "./canary_guard.ts";

const SETTINGS: GuardSettings = {
  windowSeconds: 60,
  maxErrorRate: 0.02,
  maxP99Ratio: 2,
  maxAnomalyRatio: 1.5,
  minRequests: 100,
};
const health = (over: Partial<RoleHealth> = {}): RoleHealth => ({
  model_version: "sha256:aaaaaaaaaaaa",
  requests: 1_000,
  error_rate: 0,
  p99_seconds: 0.002,
  anomaly_rate: 0.05,
  ...over,
});

Deno.test("judge() names the figure that left its band, with both values", () => {
  assert.equal(judge(health(), health(), SETTINGS), null);
  assert.match(
    judge(health(), health({ error_rate: 0.05 }), SETTINGS)!,
    /^error rate 5\.0 % > champion 0\.0 % \+ CANARY_MAX_ERROR_RATE 0\.02$/,
  );
  assert.equal(judge(health({ error_rate: 0.04 }), health({ error_rate: 0.05 }), SETTINGS), null);
  assert.match(
    judge(health({ p99_seconds: 0.02 }), health({ p99_seconds: 0.05 }), SETTINGS)!,
    /^p99 latency 50\.0 ms > CANARY_MAX_P99_RATIO 2 x champion 20\.0 ms/,
  );
  // Below the 5 ms floor a ratio is noise.
  assert.equal(
    judge(health({ p99_seconds: 0.001 }), health({ p99_seconds: 0.009 }), SETTINGS),
    null,
  );
  assert.match(
    judge(health(), health({ anomaly_rate: 0.1 }), SETTINGS)!,
    /^anomaly rate 10\.0 % > CANARY_MAX_ANOMALY_RATIO 1\.5 x champion 5\.0 %$/,
  );
  assert.equal(judge(health(), health({ anomaly_rate: 0.07 }), SETTINGS), null);
});

Deno.test("judge() waits for CANARY_MIN_REQUESTS, and the ratios for as many champion answers", () => {
  assert.equal(judge(health(), health({ requests: 99, error_rate: 1 }), SETTINGS), null);
  // At 100 % the champion answers nothing: only the error rule applies.
  assert.equal(judge(null, health({ anomaly_rate: 0.5 }), SETTINGS), null);
  assert.match(judge(null, health({ error_rate: 0.5 }), SETTINGS)!, /^error rate/);
  assert.equal(judge(health({ requests: 10 }), health({ anomaly_rate: 0.5 }), SETTINGS), null);
});

Deno.test("p99() interpolates in the bucket holding the 99th percentile, as histogram_quantile", () => {
  assert.ok(Math.abs(p99([0.001, 0.01], [0, 100], 100)! - (0.001 + 0.009 * 0.99)) < 1e-12);
  assert.equal(p99([0.001, 0.01], [100, 100], 100), 0.00099);
  assert.equal(p99([0.001, 0.01], [0, 0], 100), 0.01, "beyond the last bound: that bound");
  assert.equal(p99([0.001], [0], 0), null);
});

Deno.test("talliesOf() sums every worker's model_* series per role", async () => {
  const champion = tinyModel(0.05);
  const canary = tinyModel(0.2);
  const workers = [createMetrics(), createMetrics()];
  for (const m of workers) {
    const router = new CanaryRouter({ metrics: m.lifecycle });
    router.apply({
      ...NO_CANARY,
      intended: canary.contentHash,
      serving: canary.contentHash,
      percent: 10,
    }, canary);
    router.answered({ detector: champion, role: "champion" }, 0.0004, 16, 1);
    router.answered({ detector: canary, role: "canary" }, 0.0004, 16, 3);
    router.failed({ detector: canary, role: "canary" }, 0.2);
  }
  const t = talliesOf(await Promise.all(workers.map((m) => m.registry.getMetricsAsJSON())));
  assert.equal(t.champion?.version, champion.info.version);
  assert.deepEqual(
    [t.canary?.requests, t.canary?.errors, t.canary?.readings, t.canary?.anomalies],
    [4, 2, 32, 6],
  );
  assert.equal(t.canary?.buckets.at(-1), 4, "every request in a finite bucket");
});

Deno.test("CanaryGuard.observe() judges the window's difference and restarts on a new pair", () => {
  const guard = new CanaryGuard({ ...SETTINGS, windowSeconds: 10 });
  const tally = (version: string, requests: number, anomalies: number, errors = 0) => ({
    version,
    requests,
    errors,
    readings: requests * 10,
    anomalies,
    buckets: [requests],
    bounds: [0.001],
  });
  const at = (s: number, champion: number, canary: number, canaryAnomalies: number) =>
    guard.observe(s * 1000, {
      champion: tally("sha256:aaaaaaaaaaaa", champion, champion / 2),
      canary: tally("sha256:bbbbbbbbbbbb", canary, canaryAnomalies),
    });
  assert.equal(at(0, 1_000, 100, 1_000).judged, false, "the first look is the baseline");
  // 5 % champion; the canary's first 50 s were bad, but only the last 10 s count.
  const h = at(5, 2_000, 250, 1_000 + 75);
  assert.equal(h.canary?.requests, 150);
  assert.equal(h.canary?.anomaly_rate, 0.05);
  assert.equal(h.breach, null);
  at(20, 3_000, 400, 1_075 + 75);
  const bad = at(25, 4_000, 550, 1_150 + 300);
  // The baseline is the last look at or before the window's start (t = 5 s here).
  assert.equal(bad.covered_s, 20);
  assert.equal(bad.canary?.requests, 300);
  assert.match(bad.breach ?? "", /^anomaly rate/);
  // Another canary: nothing carried over.
  const fresh = guard.observe(26_000, {
    champion: tally("sha256:aaaaaaaaaaaa", 4_100, 2_050),
    canary: tally("sha256:cccccccccccc", 5, 5),
  });
  assert.equal(fresh.canary?.requests, 0);
  assert.equal(fresh.breach, null);
});

import assert from "node:assert/strict";
import { createMetrics } from "../metrics/metrics.ts";
import { tinyModel } from "../tests/_models.ts";
import { CanaryRouter, meterBucket, NO_CANARY } from "./canary_router.ts";

const champion = tinyModel(0.05);
const canary = tinyModel(0.2);
const status = (percent: number) => ({
  ...NO_CANARY,
  intended: canary.contentHash,
  serving: canary.contentHash,
  percent,
});
const body = (meter?: string) => ({
  readings: [{ voltage: 230, current: 10, frequency: 50, ...(meter ? { meter_id: meter } : {}) }],
});

Deno.test("meterBucket() spreads meter ids evenly over 10,000 buckets", () => {
  const counts = new Array(10).fill(0);
  for (let i = 0; i < 20_000; i++) counts[Math.floor(meterBucket(`meter-${i}`) / 1000)]++;
  for (const n of counts) assert.ok(n > 1_800 && n < 2_200, `decile of ${n} in ${counts}`);
  assert.equal(meterBucket("feeder-7/meter-12"), meterBucket("feeder-7/meter-12"));
});

Deno.test("CanaryRouter.choose() routes the share by meter, sticky, and grows it without moving meters", () => {
  const router = new CanaryRouter({ metrics: createMetrics().lifecycle });
  assert.equal(router.choose(champion, body("m-1")).role, "champion", "no canary: champion");
  router.apply(status(10), canary);
  const meters = Array.from({ length: 5_000 }, (_, i) => `meter-${i}`);
  const at10 = meters.filter((m) => router.choose(champion, body(m)).role === "canary");
  assert.ok(Math.abs(at10.length / meters.length - 0.1) < 0.02, `${at10.length} of 5000`);
  for (const m of at10.slice(0, 50)) assert.equal(router.choose(champion, body(m)).role, "canary");
  router.apply(status(30), canary);
  for (const m of at10) assert.equal(router.choose(champion, body(m)).role, "canary", m);
  assert.equal(
    router.choose(champion, body("x")).detector,
    router.choose(champion, body("x")).detector,
  );
});

Deno.test("CanaryRouter.choose() draws requests without a meter at random", () => {
  let draw = 0;
  const router = new CanaryRouter({
    metrics: createMetrics().lifecycle,
    random: () => (draw++ % 10) / 10,
  });
  router.apply(status(10), canary);
  const roles = Array.from({ length: 10 }, () => router.choose(champion, body()).role);
  assert.deepEqual(roles.filter((r) => r === "canary").length, 1);
});

Deno.test("CanaryRouter.apply() routes nothing to a canary it could not load and says so in the gauges", async () => {
  const metrics = createMetrics();
  const router = new CanaryRouter({ metrics: metrics.lifecycle });
  router.apply({ ...status(50), serving: null, reason: "cannot be served" }, null);
  for (let i = 0; i < 100; i++) {
    assert.equal(router.choose(champion, body(`m${i}`)).role, "champion");
  }
  const text = await metrics.registry.metrics();
  assert.match(text, /^canary_serving_matches_alias 0$/m);
  assert.match(text, /^canary_percent 0$/m);
  // A detector of another version than the status names is not routed to either.
  router.apply(status(50), champion);
  assert.equal(router.canary, null);
  router.apply({ ...status(50), rollbacks: 2 }, canary);
  assert.match(await metrics.registry.metrics(), /^canary_rollbacks_total 2$/m);
});

Deno.test("CanaryRouter counts each version's answers and keeps only the current pair's series", async () => {
  const metrics = createMetrics();
  const router = new CanaryRouter({ metrics: metrics.lifecycle });
  router.apply(status(100), canary);
  router.answered({ detector: canary, role: "canary" }, 0.001, 16, 4);
  router.failed({ detector: canary, role: "canary" }, 0.002);
  router.answered({ detector: champion, role: "champion" }, 0.001, 16, 1);
  const text = await metrics.registry.metrics();
  const v = canary.info.version;
  assert.match(
    text,
    new RegExp(`model_requests_total\\{role="canary",model_version="${v}",outcome="ok"\\} 1`),
  );
  assert.match(
    text,
    new RegExp(`model_requests_total\\{role="canary",model_version="${v}",outcome="error"\\} 1`),
  );
  assert.match(text, new RegExp(`model_anomalies_total\\{role="canary",model_version="${v}"\\} 4`));
  // Another canary version: the old pair's figures go.
  const other = tinyModel(0.1);
  router.answered({ detector: other, role: "canary" }, 0.001, 16, 0);
  const after = await metrics.registry.metrics();
  assert.doesNotMatch(after, new RegExp(v));
  assert.match(
    after,
    new RegExp(`model_readings_total\\{role="canary",model_version="${other.info.version}"\\} 16`),
  );
});

import assert from "node:assert/strict";
import { type Logger, silentLogger } from "../../lib/logger.ts";
import type { Detector, Prediction } from "../detector/mod.ts";
import { meterBucket } from "../mlops/canary_router.ts";
import { AliasWatcher, ModelRegistry } from "../store/registry/mod.ts";
import { testApp } from "../tests/_app.ts";
import { smallModel } from "../tests/_models.ts";
import { waitFor } from "../../testing/poll.ts";
import { CanaryRollback, GUARD_ACTOR } from "./canary_rollback.ts";

/** The canary's model with a fault injected: every prediction throws (a model bug, a 5xx). */
class Failing implements Detector {
  readonly info: Detector["info"];
  constructor(model: Detector) {
    this.info = model.info;
  }
  predict(): Prediction[] {
    throw new Error("injected canary failure");
  }
}

const READINGS = [{ voltage: 230, current: 10, frequency: 50 }];
const PERCENT = 20;

Deno.test("CanaryRollback removes a canary answering 5xx within its window; only its own requests fail", async () => {
  const dir = await Deno.makeTempDir({ prefix: "canary-rollback-" });
  const registry = new ModelRegistry(dir, { retention: 5 });
  const champion = smallModel(7);
  const canary = smallModel(8);
  await registry.register(champion, { source: "champion" });
  await registry.register(canary, { source: "canary" });
  await registry.setAlias("champion", champion.contentHash, "test");
  const ctx = testApp({ env: { MODEL_DIR: dir } });
  ctx.state.setReady(champion);
  const router = ctx.lifecycle.canary;
  const errors: string[] = [];
  const logger: Logger = { ...silentLogger, error: (event) => errors.push(event) };
  const rollback: CanaryRollback = new CanaryRollback({
    registry,
    logger,
    settings: {
      windowSeconds: 5,
      maxErrorRate: 0.02,
      maxP99Ratio: 2,
      maxAnomalyRatio: 1.5,
      minRequests: 50,
    },
    snapshots: async () => [await ctx.metrics.registry.getMetricsAsJSON()],
    publish: (status, loaded) =>
      router.apply(status, loaded ? new Failing(loaded.model) : router.canary),
    poll: () => watcher.poll(),
    intervalMs: 100,
  });
  const watcher: AliasWatcher = new AliasWatcher({
    registry,
    logger,
    intervalMs: 60_000,
    onChampion: () => {},
    onChallenger: () => {},
    onCanary: (assignment, loaded) => rollback.assign(assignment, loaded),
  }, champion.contentHash);
  try {
    await registry.setAlias("canary", canary.contentHash, "alice", { percent: PERCENT });
    await watcher.poll();
    assert.equal(router.canary?.info.version, canary.info.version);
    rollback.start();

    // Load from 8 clients, each meter once per round, until the canary is gone (or 20 s).
    const seen: { meter: string; status: number; version: string | null }[] = [];
    let round = 0;
    await waitFor(async () => {
      round++;
      await Promise.all(Array.from({ length: 8 }, async (_, client) => {
        for (let i = 0; i < 10; i++) {
          const meter = `meter-${client}-${i}`;
          const res = await ctx.app.request("/predict", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ readings: READINGS.map((r) => ({ ...r, meter_id: meter })) }),
          });
          const body = await res.json();
          seen.push({ meter, status: res.status, version: body.model_version ?? null });
        }
      }));
      const gone = router.canary === null && (await registry.getAlias("canary")) === null;
      return gone ? true : undefined;
    }, { what: "the guard to remove the canary", timeoutMs: 20_000, intervalMs: 0 });

    const [last] = await registry.history("canary");
    assert.equal(last.actor, GUARD_ACTOR);
    assert.equal(last.previous, canary.contentHash);
    assert.match(
      last.reason ?? "",
      /^Rolled back by the canary guard: error rate 100\.0 % > champion 0\.0 % \+ CANARY_MAX_ERROR_RATE 0\.02/,
    );
    assert.ok(errors.includes("canary_rolled_back"));
    // Every failed request was one the canary answered; every other one the champion answered.
    const inCanary = (meter: string) => meterBucket(meter) < PERCENT * 100;
    const failed = seen.filter((s) => s.status !== 200);
    assert.ok(failed.length >= 50, `${failed.length} canary failures judged`);
    assert.deepEqual(failed.filter((s) => !inCanary(s.meter) || s.status !== 500), []);
    assert.deepEqual(
      seen.filter((s) => s.status === 200 && s.version !== champion.info.version),
      [],
    );
    // After the rollback every request is the champion's.
    for (let i = 0; i < 50; i++) {
      const res = await ctx.app.request("/predict", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          readings: READINGS.map((r) => ({ ...r, meter_id: `meter-0-${i}` })),
        }),
      });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).model_version, champion.info.version);
    }
    assert.ok(round >= 1);
    assert.match(await ctx.metrics.registry.metrics(), /^canary_rollbacks_total 1$/m);
  } finally {
    await rollback.stop();
    await watcher.stop();
    ctx.labels.close();
    await Deno.remove(dir, { recursive: true });
  }
});

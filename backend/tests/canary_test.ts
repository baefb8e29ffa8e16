/**
 * The canary end to end, with real processes on one shared MODEL_DIR: two
 * replicas (one with WORKERS=2) route 10 % of 5,000 requests to a healthy
 * canary, sticky per meter, and leave it in place; a canary trained with
 * twice the contamination (it flags twice as many normal readings: a real
 * doubled anomaly rate, not a hook) is rolled back by the guard within its
 * window while every client request is answered, and every worker of both
 * replicas goes back to the champion.
 */
import assert from "node:assert/strict";
import { type BackendProcess, startBackend } from "../../testing/backend_process.ts";
import { waitFor } from "../../testing/poll.ts";
import { predictBodies } from "../../loadtest/payload.ts";
import { trainModel } from "../detector/mod.ts";
import { ModelRegistry } from "../store/registry/mod.ts";
import { print } from "../../lib/logger.ts";

const TOKEN = "canary-test-admin-token-0123456789";
const forest = (contamination: number, seed: number) =>
  trainModel({ contamination, nEstimators: 50, sampleSize: 128, seed, trainingSize: 2000 }, {
    evaluation: false,
  });
const CHAMPION = forest(0.05, 7);
const HEALTHY = forest(0.05, 8);
const NOISY = forest(0.10, 7);
const WINDOW_S = 10;
// Normal readings only: the champion flags about 5 % of them, NOISY about 10 %.
const BODIES = predictBodies(200, 16, { anomalyRate: 0, seed: 3 }).map((b) => JSON.parse(b));

interface Answer {
  meter: string | null;
  status: number;
  version: string | null;
}

/** `count` requests from 8 clients over both replicas; the k-th names meter `meters(k)`. */
async function load(
  urls: string[],
  count: number,
  meter: (k: number) => string | null,
  stop: () => boolean = () => false,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async (_, client) => {
    while (next < count && !stop()) {
      const k = next++;
      const m = meter(k);
      const body = structuredClone(BODIES[k % BODIES.length]);
      if (m !== null) body.readings[0].meter_id = m;
      try {
        const res = await fetch(`${urls[client % urls.length]}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        const json = await res.json();
        answers.push({ meter: m, status: res.status, version: json.model_version ?? null });
      } catch (err) {
        answers.push({ meter: m, status: 0, version: String(err) });
      }
    }
  }));
  return answers;
}

/** GET /models on fresh connections until every worker of every replica reports `check`. */
async function everyWorker(
  backends: BackendProcess[],
  workers: number,
  check: (canary: { serving: string | null; percent: number }) => boolean,
  what: string,
) {
  const ok = new Set<string>();
  await waitFor(async () => {
    for (const b of backends) {
      const body = await (await fetch(`${b.url}/models`, { headers: { connection: "close" } }))
        .json();
      if (check(body.canary)) ok.add(body.serving.served_by);
      else ok.delete(body.serving.served_by);
    }
    return ok.size >= workers ? true : undefined;
  }, { what, timeoutMs: 30_000, intervalMs: 20 });
}

function setCanary(url: string, version: string, percent: number) {
  return fetch(`${url}/models/aliases/canary`, {
    method: "PUT",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ version, percent, reason: "canary test" }),
  });
}

Deno.test("a canary gets 10 % of requests sticky per meter on every worker, and a doubled anomaly rate is rolled back with zero failed requests", async () => {
  const dir = await Deno.makeTempDir({ prefix: "canary-e2e-" });
  const registry = new ModelRegistry(dir, { retention: 10 });
  for (const m of [CHAMPION, HEALTHY, NOISY]) await registry.register(m, { source: "test" });
  await registry.setAlias("champion", CHAMPION.contentHash, "test");
  const env = {
    MODEL_DIR: dir,
    ADMIN_TOKEN: TOKEN,
    MODEL_POLL_S: "0.5",
    CANARY_WINDOW_S: String(WINDOW_S),
    CANARY_MIN_REQUESTS: "100",
    // The latency rule is canary_guard_test.ts's: here a canary's p99 over ~100 answers is its
    // slowest, which a process descheduled on a busy machine makes arbitrary (a healthy canary
    // was rolled back that way at load average 12). This test is about share, stickiness and
    // the anomaly-rate rule.
    CANARY_MAX_P99_RATIO: "1000",
  };
  const backends: BackendProcess[] = [];
  try {
    backends.push(await startBackend({ env: { ...env, WORKERS: "2" } }));
    backends.push(await startBackend({ env }));
    const urls = backends.map((b) => b.url);

    const set = await setCanary(urls[0], HEALTHY.info.version, 10);
    assert.equal(set.status, 200, await set.clone().text());
    assert.equal((await set.json()).applied_here, true);
    await everyWorker(
      backends,
      3,
      (c) => c.serving === HEALTHY.info.version && c.percent === 10,
      "the canary at 10 %",
    );

    // 5,000 requests: 4,000 from 1,600 meters (2 or 3 each), 1,000 without a meter.
    const answers = await load(urls, 5_000, (k) => k % 5 === 4 ? null : `meter-${k % 2_000}`);
    assert.deepEqual(answers.filter((a) => a.status !== 200), []);
    const share = answers.filter((a) => a.version === HEALTHY.info.version).length /
      answers.length;
    print(`canary share: ${(share * 100).toFixed(2)} % of ${answers.length} requests`);
    assert.ok(
      Math.abs(share - 0.1) <= 0.02,
      `canary share ${share}; canary history: ${
        JSON.stringify(await registry.history("canary").catch(() => []))
      }`,
    );
    const byMeter = new Map<string, Set<string | null>>();
    for (const a of answers) {
      if (a.meter !== null) {
        byMeter.set(a.meter, (byMeter.get(a.meter) ?? new Set()).add(a.version));
      }
    }
    assert.equal(byMeter.size, 1_600);
    assert.deepEqual([...byMeter].filter(([, versions]) => versions.size !== 1), [], "sticky");
    assert.equal(
      (await registry.getAlias("canary"))?.version,
      HEALTHY.contentHash,
      "a healthy canary stays",
    );

    // A canary flagging twice as many normal readings, at half the traffic.
    const started = Date.now();
    const noisy = await setCanary(urls[1], NOISY.info.version, 50);
    assert.equal(noisy.status, 200);
    await everyWorker(
      backends,
      3,
      (c) => c.serving === NOISY.info.version,
      "the noisy canary",
    );
    let removed = false;
    const during = load(urls, 100_000, (k) => `meter-${k % 2_000}`, () => removed);
    await waitFor(async () => {
      removed = (await registry.getAlias("canary")) === null;
      return removed ? true : undefined;
    }, { what: "the guard to roll the noisy canary back", timeoutMs: 60_000, intervalMs: 100 });
    const elapsed = (Date.now() - started) / 1000;
    const seen = await during;
    assert.deepEqual(seen.filter((a) => a.status !== 200), [], "no client request failed");
    assert.ok(seen.some((a) => a.version === NOISY.info.version), "the canary answered");
    print(`noisy canary rolled back ${elapsed.toFixed(1)} s after it was set`);
    assert.ok(elapsed < WINDOW_S + 20, `rolled back after ${elapsed} s`);
    const [last] = await registry.history("canary");
    assert.equal(last.actor, "canary-guard");
    assert.equal(last.previous, NOISY.contentHash);
    assert.match(last.reason ?? "", /anomaly rate \d+\.\d % > CANARY_MAX_ANOMALY_RATIO 1\.5 x/);

    await everyWorker(backends, 3, (c) => c.serving === null, "back to the champion");
    const after = await load(urls, 200, (k) => `meter-${k}`);
    assert.deepEqual(
      after.filter((a) => a.status !== 200 || a.version !== CHAMPION.info.version),
      [],
    );
    const models = await (await fetch(`${urls[0]}/models`)).json();
    assert.equal(models.canary.last_rollback.model_version, NOISY.info.version);
    let rollbacks = 0;
    for (const url of urls) {
      const text = await (await fetch(`${url}/metrics`)).text();
      rollbacks += Number(/^canary_rollbacks_total (\d+)$/m.exec(text)?.[1] ?? 0);
    }
    assert.ok(rollbacks >= 1, "canary_rollbacks_total counts it");
  } finally {
    for (const b of backends) await b.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

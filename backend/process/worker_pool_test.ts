import assert from "node:assert/strict";
import process from "node:process";
import { type Detector, serializeAnyArtifact } from "../detector/mod.ts";
import { waitFor } from "../../testing/poll.ts";
import { WorkerPool } from "./worker_pool.ts";
import {
  fetchFresh,
  predictFresh,
  recordingLogger,
  sampleValue,
  slowPredict,
  smallModel,
  testConfig,
} from "../../testing/process_layer.ts";

const encode = (d: Detector) => serializeAnyArtifact(d as ReturnType<typeof smallModel>);

/** Resolve with `promise`, or fail naming `what` after `ms` (or at once when the pool crashes). */
async function within<T>(promise: Promise<T>, pool: WorkerPool, what: string, ms = 15_000) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  const crash = pool.crashed.then((code): never => {
    throw new Error(`The pool crashed (exit code ${code}) waiting for ${what}`);
  });
  try {
    return await Promise.race([promise, timeout, crash]);
  } finally {
    clearTimeout(timer);
  }
}

/** POST over fresh connections until every worker has answered with `version`; the count sent. */
async function untilEveryWorkerServes(base: string, pool: WorkerPool, version: string) {
  const seen = new Set<string>();
  let sent = 0;
  await waitFor(async () => {
    const body = await predictFresh(base);
    sent++;
    if (body.model_version === version) seen.add(String(body.served_by));
    return seen.size === pool.size || undefined;
  }, { what: `both workers serving ${version}`, intervalMs: 0, timeoutMs: 20_000 });
  assert.deepEqual([...seen].sort(), ["test:1/w0", "test:1/w1"]);
  return sent;
}

function startPool(env: Record<string, string> = {}, refreshModels?: () => Promise<void>) {
  const recorded = recordingLogger();
  const pool = new WorkerPool({
    config: testConfig({ WORKERS: "2", ...env }),
    logger: recorded.logger,
    identity: "test:1",
    encode,
    ...(refreshModels ? { refreshModels } : {}),
  });
  pool.start();
  return { pool, ...recorded };
}

Deno.test("`WorkerPool` serves one port from both workers, sends models to each and sums their metrics", async () => {
  const { pool } = startPool();
  try {
    const addr = await within(pool.listening, pool, "both workers listening");
    assert.notEqual(addr.port, 0);
    assert.equal(addr.port, pool.config.port);
    const base = `http://127.0.0.1:${addr.port}`;
    const before = await fetchFresh(`${base}/ready`);
    assert.equal(before.status, 503);
    assert.equal((await before.json()).status, "loading");

    const first = smallModel();
    pool.setModel(first);
    await waitFor(async () => (await fetchFresh(`${base}/ready`)).status === 200 || undefined, {
      what: "/ready 200",
    });
    const sent = await untilEveryWorkerServes(base, pool, first.info.version);

    // Every scrape, whichever worker answers it, and the pool's own scrape report both workers' sum.
    const series = 'requests_total{path="/predict",method="POST",status="200"}';
    for (let i = 0; i < 6; i++) {
      const text = await (await fetchFresh(`${base}/metrics`)).text();
      assert.equal(sampleValue(text, series), sent);
      assert.equal(sampleValue(text, "readings_total"), sent);
      assert.equal(sampleValue(text, "model_ready"), 1);
    }
    const text = await pool.scrape();
    assert.equal(sampleValue(text, "readings_total"), sent);
    // Process metrics describe the one process (both workers run in this one): max, not a sum.
    const { user, system } = process.cpuUsage();
    const cpu = sampleValue(text, "process_cpu_seconds_total");
    assert.ok(cpu > 0 && cpu <= (user + system) / 1e6, `cpu ${cpu} s`);
    assert.equal(
      sampleValue(text, "process_start_time_seconds"),
      Math.round(performance.timeOrigin) / 1000,
    );

    // A later champion is served by every worker as soon as it arrives.
    const second = smallModel(8);
    assert.notEqual(second.info.version, first.info.version);
    pool.setModel(second, encode(second));
    await untilEveryWorkerServes(base, pool, second.info.version);
  } finally {
    await pool.shutdown();
    pool.terminate();
  }
});

Deno.test("`WorkerPool.setChallenger()` reaches every worker and a worker's admin call refreshes through the pool", async () => {
  const modelDir = await Deno.makeTempDir();
  let refreshes = 0;
  const { pool } = startPool(
    { MODEL_DIR: modelDir, ADMIN_TOKEN: "pool-test-token-0123456789" },
    () => {
      refreshes++;
      return Promise.resolve();
    },
  );
  try {
    const { port } = await within(pool.listening, pool, "both workers listening");
    const base = `http://127.0.0.1:${port}`;
    pool.setModel(smallModel());
    const challenger = smallModel(9);
    pool.setChallenger(challenger, encode(challenger));
    const seen = new Set<string>();
    await waitFor(async () => {
      const body = await (await fetchFresh(`${base}/models`)).json();
      if (body.serving.challenger === challenger.info.version) seen.add(body.serving.served_by);
      return seen.size === 2 || undefined;
    }, { what: "the challenger on both workers", intervalMs: 0, timeoutMs: 20_000 });

    pool.setChallenger(null, null);
    const cleared = new Set<string>();
    await waitFor(async () => {
      const body = await (await fetchFresh(`${base}/models`)).json();
      if (body.serving.challenger === null) cleared.add(body.serving.served_by);
      return cleared.size === 2 || undefined;
    }, { what: "no challenger on both workers", intervalMs: 0, timeoutMs: 20_000 });

    const res = await fetchFresh(`${base}/models/aliases/challenger`, {
      method: "DELETE",
      headers: { authorization: "Bearer pool-test-token-0123456789" },
    });
    assert.equal(res.status, 200);
    assert.equal(refreshes, 1);
  } finally {
    await pool.shutdown();
    pool.terminate();
    await Deno.remove(modelDir, { recursive: true });
  }
});

Deno.test("`WorkerPool.modelFailed()` keeps every worker up and not ready, saying why", async () => {
  const { pool } = startPool();
  try {
    const { port } = await within(pool.listening, pool, "both workers listening");
    pool.modelFailed("Model artifact x.json is unusable");
    const reasons = new Set<string>();
    await waitFor(async () => {
      const health = await (await fetchFresh(`http://127.0.0.1:${port}/health`)).json();
      if (health.state === "failed") reasons.add(health.served_by);
      return reasons.size === 2 || undefined;
    }, { what: "both workers failed", intervalMs: 0 });
    const ready = await fetchFresh(`http://127.0.0.1:${port}/ready`);
    assert.equal(ready.status, 503);
    assert.equal((await ready.json()).reason, "Model artifact x.json is unusable");
  } finally {
    await pool.shutdown();
    pool.terminate();
  }
});

Deno.test("`WorkerPool.drain()` turns every worker to draining and `shutdown()` resolves once requests in flight are answered", async () => {
  const { pool } = startPool();
  const { port } = await within(pool.listening, pool, "both workers listening");
  const base = `http://127.0.0.1:${port}`;
  try {
    pool.setModel(smallModel());
    await waitFor(async () => (await fetchFresh(`${base}/ready`)).status === 200 || undefined, {
      what: "/ready 200",
    });
    pool.drain();
    const draining = new Set<string>();
    await waitFor(async () => {
      const health = await (await fetchFresh(`${base}/health`)).json();
      if (health.state === "draining") draining.add(health.served_by);
      return draining.size === 2 || undefined;
    }, { what: "both workers draining", intervalMs: 0 });
    assert.equal((await fetchFresh(`${base}/ready`)).status, 503);

    // Draining workers still serve; a request in flight holds the shutdown until answered.
    const slow = slowPredict(base, 400);
    await waitFor(async () => {
      const text = await (await fetchFresh(`${base}/metrics`)).text();
      return sampleValue(text, "inflight_requests") >= 2 || undefined; // the slow one and this scrape
    }, { what: "the slow request in flight" });
    let closed = false;
    const shutdown = pool.shutdown().then(() => (closed = true));
    const res = await slow.response;
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("connection"), "close");
    await within(shutdown, pool, "both workers closed");
    assert.ok(closed);
    await assert.rejects(() => fetchFresh(`${base}/health`));
  } finally {
    pool.terminate();
  }
});

Deno.test("`WorkerPool.crashed` resolves 1 and logs worker_crashed when a worker throws", async () => {
  const { pool, events } = startPool();
  try {
    await within(pool.listening, pool, "both workers listening");
    pool.setModel(smallModel(), "this is not an artifact");
    assert.equal(await pool.crashed, 1);
    const crash = events().find((e) => e.event === "worker_crashed");
    assert.ok(crash, JSON.stringify(events()));
    assert.equal(crash.level, "error");
    assert.match(String(crash.error), /artifact|JSON/i);
    assert.ok(crash.worker === 0 || crash.worker === 1);
  } finally {
    pool.terminate();
  }
});

Deno.test("`WorkerPool.crashed` resolves 1 before listening when the port is taken", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { pool, events } = startPool({ PORT: String((taken.addr as Deno.NetAddr).port) });
  let listened = false;
  void pool.listening.then(() => (listened = true));
  try {
    assert.equal(await pool.crashed, 1);
    assert.equal(listened, false);
    assert.match(String(events().find((e) => e.event === "worker_crashed")?.error), /in use/i);
  } finally {
    pool.terminate();
    taken.close();
  }
});

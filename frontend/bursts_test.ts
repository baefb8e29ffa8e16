import assert from "node:assert/strict";
import {
  BURST_BUDGET,
  BURST_LIMITS,
  BurstConcurrencyError,
  BurstRunner,
  BurstSpecError,
  MAX_BURST_CONCURRENCY,
  parseBurstSpec,
  TooManyBurstsError,
} from "./bursts.ts";
import { startFakeBackend } from "./tests/_fake_backend.ts";
import { deadPort } from "./tests/_loopback.ts";
import { assertUiFitsContainer } from "./tests/_stack.ts";
import { Upstream } from "./upstream.ts";

const spec = {
  requests: 20,
  concurrency: 4,
  cycles: 2,
  pauseMs: 50,
  batchSize: 16,
  anomalyRate: 0.2,
  newConnection: false,
};

function upstreamFor(url: string) {
  return new Upstream({
    baseUrl: url,
    timeoutMs: 2_000,
    idleTimeoutMs: 1_000,
    maxRequestsPerConnection: 1_000,
  });
}

Deno.test("parseBurstSpec() accepts a valid spec and defaults newConnection to false", () => {
  const { newConnection: _, ...rest } = spec;
  assert.deepEqual(parseBurstSpec(rest), spec);
});

Deno.test("parseBurstSpec() names every bad field with its limits", () => {
  assert.throws(
    () =>
      parseBurstSpec({ ...spec, requests: 0, concurrency: 1.5, cycles: "2", newConnection: "yes" }),
    (err: unknown) => {
      assert.ok(err instanceof BurstSpecError);
      assert.deepEqual(err.errors.map((e) => e.path), [
        "requests",
        "concurrency",
        "cycles",
        "newConnection",
      ]);
      assert.match(err.message, /requests must be an integer from 1 to 5000, got 0/);
      assert.match(err.message, /concurrency must be an integer, got 1.5/);
      assert.match(err.message, /cycles must be an integer, got "2"/);
      return true;
    },
  );
  assert.throws(() => parseBurstSpec([]), /Body must be a JSON object/);
  assert.equal(BURST_LIMITS.concurrency[1], 64);
});

Deno.test("BurstRunner runs requests × cycles at the given concurrency and tallies per served_by", async () => {
  const backend = startFakeBackend({ servedBy: "pod-a:7", delayMs: 5 });
  const upstream = upstreamFor(backend.url);
  const runner = new BurstRunner(upstream);
  try {
    const first = runner.start(spec);
    assert.equal(first.state, "running");
    assert.equal(first.total, 40);
    await runner.settled(first.id);
    const done = runner.get(first.id)!;
    assert.equal(done.state, "done");
    assert.equal(done.completed, 40);
    assert.equal(done.ok, 40);
    assert.equal(done.failed, 0);
    assert.equal(done.cycle, 2);
    assert.deepEqual(done.servedBy, { "pod-a:7": 40 });
    assert.equal(done.readings, 40 * 16);
    assert.equal(done.latencyMs.count, 40);
    assert.ok(done.latencyMs.p99! >= done.latencyMs.avg!);
    // Every labelled voltage anomaly the fake flags counts as a true positive.
    const c = done.confusion;
    assert.equal(c.tp + c.fp + c.fn + c.tn, 640);
    assert.ok(c.tp > 0);
    assert.equal(backend.seen.length, 40);
    assert.ok(
      backend.maxInflight() <= 4 && backend.maxInflight() >= 2,
      `in flight ${backend.maxInflight()}`,
    );
    // Pooled by default: at most one connection per concurrent request.
    assert.ok(backend.connections() <= 4);
  } finally {
    await runner.close();
    upstream.close();
    await backend.close();
  }
});

Deno.test("BurstRunner with newConnection opens one backend connection per request", async () => {
  const backend = startFakeBackend();
  const upstream = upstreamFor(backend.url);
  const runner = new BurstRunner(upstream);
  try {
    const s = runner.start({ ...spec, requests: 12, cycles: 1, newConnection: true });
    await runner.settled(s.id);
    assert.equal(runner.get(s.id)!.ok, 12);
    assert.equal(backend.connections(), 12);
  } finally {
    await runner.close();
    upstream.close();
    await backend.close();
  }
});

Deno.test("BurstRunner counts failures with a readable last error when the backend is down", async () => {
  const upstream = upstreamFor(`http://127.0.0.1:${deadPort()}`);
  const runner = new BurstRunner(upstream);
  try {
    const s = runner.start({ ...spec, requests: 5, cycles: 1 });
    await runner.settled(s.id);
    const done = runner.get(s.id)!;
    assert.equal(done.failed, 5);
    assert.deepEqual(done.failures, { unreachable: 5 });
    assert.match(done.lastError!, /could not be reached for POST \/predict: connection refused/);
  } finally {
    await runner.close();
    upstream.close();
  }
});

Deno.test("BurstRunner.cancel() stops a burst early and limits bursts running at once", async () => {
  const backend = startFakeBackend({ delayMs: 20 });
  const upstream = upstreamFor(backend.url);
  const runner = new BurstRunner(upstream, { maxRunning: 1 });
  try {
    const s = runner.start({ ...spec, requests: 1_000, concurrency: 2, cycles: 5 });
    assert.throws(() => runner.start(spec), TooManyBurstsError);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(runner.cancel(s.id), true);
    await runner.settled(s.id);
    const done = runner.get(s.id)!;
    assert.equal(done.state, "cancelled");
    assert.ok(done.completed < 5_000);
    assert.equal(runner.cancel("nope"), false);
    assert.equal(runner.get("nope"), null);
  } finally {
    await runner.close();
    upstream.close();
    await backend.close();
  }
});

Deno.test("BurstRunner.cancel() counts every request once: ok + failed + cancelled = sent = completed", async () => {
  const backend = startFakeBackend({ delayMs: 200 });
  const upstream = upstreamFor(backend.url);
  const runner = new BurstRunner(upstream);
  try {
    const s = runner.start({ ...spec, requests: 100, concurrency: 8, cycles: 1 });
    // Cancel while eight requests are in flight at the backend.
    const deadline = Date.now() + 10_000;
    while (backend.maxInflight() < 8 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(runner.cancel(s.id), true);
    await runner.settled(s.id);
    const done = runner.get(s.id)!;
    assert.equal(done.state, "cancelled");
    assert.ok(done.cancelled >= 1, `cancelled ${done.cancelled}`);
    assert.equal(done.ok + done.failed + done.cancelled, done.sent);
    assert.equal(done.completed, done.sent);
    assert.ok(done.sent < 100);
  } finally {
    await runner.close();
    upstream.close();
    await backend.close();
  }
});

Deno.test("parseBurstSpec() bounds a burst's total work and the readings it holds in flight", () => {
  const at = (over: Partial<typeof spec>) => () => parseBurstSpec({ ...spec, ...over });
  assert.throws(
    at({ requests: 5_000, cycles: 5, batchSize: 1 }),
    /requests × cycles must be at most 20000, got 5000 × 5 = 25000/,
  );
  assert.throws(
    at({ requests: 5_000, cycles: 4, batchSize: 101, concurrency: 1 }),
    /requests × cycles × batchSize must be at most 2000000 readings, got 20000 × 101 = 2020000/,
  );
  assert.throws(
    at({ requests: 100, concurrency: 64, batchSize: 65 }),
    /concurrency × batchSize must be at most 4096 readings in flight, got 64 × 65 = 4160/,
  );
  const largest = { requests: 5_000, cycles: 4, batchSize: 100, concurrency: 40 };
  assert.equal(parseBurstSpec({ ...spec, ...largest }).requests, 5_000);
  assert.equal(
    BURST_BUDGET.readingsInFlight,
    4_096,
    "docs/FRONTEND.md states this budget",
  );
});

Deno.test("BurstRunner refuses a burst that would pass the server's burst concurrency with 429", async () => {
  const backend = startFakeBackend({ delayMs: 50 });
  const upstream = upstreamFor(backend.url);
  const runner = new BurstRunner(upstream);
  try {
    runner.start({ ...spec, requests: 1_000, concurrency: 40, batchSize: 1 });
    assert.throws(
      () => runner.start({ ...spec, requests: 1_000, concurrency: 40, batchSize: 1 }),
      (err: unknown) => {
        assert.ok(err instanceof BurstConcurrencyError);
        assert.equal(err.status, 429);
        assert.match(
          err.message,
          /at most 64 burst requests at once; running bursts use 40, so a concurrency of 40 does not fit/,
        );
        return true;
      },
    );
    // A burst with fewer requests than its concurrency only needs as many lanes as requests.
    const small = runner.start({ ...spec, requests: 24, concurrency: 64, batchSize: 1 });
    assert.equal(small.state, "running");
    assert.equal(MAX_BURST_CONCURRENCY, 64, "docs/FRONTEND.md states this limit");
  } finally {
    await runner.close();
    upstream.close();
    await backend.close();
  }
});

Deno.test("the UI process stays under its 256Mi container limit running bursts at the per-server limits", async (t) => {
  await assertUiFitsContainer(t, {}, async (ui) => {
    // The fake backend answers at once: the UI runs as fast as it can, its worst case.
    const heavy = {
      ...spec,
      requests: 3_000,
      cycles: 1,
      pauseMs: 0,
      concurrency: 32,
      batchSize: 128,
    };
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${ui.url}/api/bursts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(heavy),
      });
      assert.equal(res.status, 202);
      ids.push((await res.json()).id);
    }
    const deadline = Date.now() + 120_000;
    for (const id of ids) {
      while (true) {
        const status = await (await fetch(`${ui.url}/api/bursts/${id}`)).json();
        if (status.state !== "running") {
          assert.equal(status.ok, 3_000);
          break;
        }
        assert.ok(Date.now() < deadline, "bursts did not finish in 120 s");
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
});

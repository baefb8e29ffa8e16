import assert from "node:assert/strict";
import { startCountingServer } from "./_counting_server.ts";
import type { LoadOptions } from "./load_args.ts";
import { runLoad } from "./load_runner.ts";

function options(url: string, extra: Partial<LoadOptions> = {}): LoadOptions {
  return {
    url,
    rps: 40,
    duration: 0.5,
    batchSize: 4,
    // Enough workers that a loaded test machine does not drop arrivals.
    workers: 20,
    anomalyRate: 0.1,
    keepalive: true,
    timeout: 5,
    seed: 1,
    shift: {},
    json: false,
    ...extra,
  };
}

Deno.test("runLoad() with --no-keepalive opens one TCP connection per request", async () => {
  const server = startCountingServer();
  try {
    const report = await runLoad(options(server.url, { keepalive: false, rps: 40, duration: 0.5 }));
    assert.equal(report.ok, 20);
    assert.equal(server.requests(), 20);
    assert.equal(server.connections(), 20);
  } finally {
    await server.close();
  }
});

Deno.test("runLoad() with keep-alive reuses connections", async () => {
  const server = startCountingServer();
  try {
    const report = await runLoad(options(server.url, { rps: 40, duration: 0.5 }));
    assert.equal(report.ok, 20);
    // Arrivals are 25 ms apart and answered in about a millisecond, so one
    // connection usually serves them all; half is a margin for a busy machine.
    assert.ok(
      server.connections() <= 10,
      `expected connections to be reused, got ${server.connections()} for 20 requests`,
    );
  } finally {
    await server.close();
  }
});

Deno.test("runLoad() reports ok, errors by status, served_by and anomalies", async () => {
  const server = startCountingServer((n) => ({ status: n % 4 === 3 ? 503 : 200 }));
  try {
    const report = await runLoad(options(server.url, { rps: 40, duration: 0.5 }));
    assert.equal(report.scheduled, 20);
    assert.equal(report.sent, 20);
    assert.equal(report.ok, 15);
    assert.equal(report.errors, 5);
    assert.deepEqual(report.by_status, { "200": 15, "503": 5 });
    assert.equal(Object.values(report.served_by).reduce((a, b) => a + b, 0), 15);
    assert.ok(Object.keys(report.served_by).every((k) => k.startsWith("fake:")));
    assert.equal(report.anomalies, 30);
    assert.equal(report.readings, 60);
    assert.ok(report.latency_ms !== null);
    const l = report.latency_ms;
    assert.ok(l.p50 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.max, JSON.stringify(l));
  } finally {
    await server.close();
  }
});

Deno.test("runLoad() keeps the schedule when the server is slow: busy arrivals are dropped", async () => {
  const server = startCountingServer(() => ({ delayMs: 1500 }));
  try {
    const report = await runLoad(options(server.url, { rps: 50, duration: 0.4, workers: 2 }));
    assert.equal(report.scheduled, 20);
    assert.equal(report.sent, 2);
    assert.equal(report.dropped, 18);
    assert.equal(report.ok, 2);
    assert.ok(report.latency_ms !== null && report.latency_ms.p50 >= 1500);
  } finally {
    await server.close();
  }
});

Deno.test("runLoad() counts refused connections as network errors", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const report = await runLoad(options(`http://127.0.0.1:${port}`, { rps: 20, duration: 0.2 }));
  assert.equal(report.ok, 0);
  assert.equal(report.errors, 4);
  assert.deepEqual(report.by_status, { network_error: 4 });
  assert.equal(report.latency_ms, null);
  assert.ok(report.error_samples.length >= 1);
});

Deno.test("runLoad() calls onProgress with running totals", async () => {
  const server = startCountingServer();
  try {
    const seen: number[] = [];
    const instances: number[] = [];
    await runLoad(options(server.url, { rps: 40, duration: 0.5 }), {
      progressIntervalMs: 100,
      onProgress: (p) => {
        seen.push(p.sent);
        instances.push(p.instances);
      },
    });
    assert.ok(seen.length >= 3, `expected several progress calls, got ${seen.length}`);
    assert.equal(seen.at(-1), 20);
    // The fake server names itself fake:0 or fake:1 by connection; some interval saw one.
    assert.ok(instances.some((n) => n >= 1) && instances.every((n) => n <= 2), String(instances));
  } finally {
    await server.close();
  }
});

import assert from "node:assert/strict";
import {
  deadPort,
  startCountingServer,
  startHeldServer,
  startIdleClosingServer,
} from "./tests/_loopback.ts";
import { UI_DEFAULTS } from "./config.ts";
import { Upstream, UpstreamError } from "./upstream.ts";

function upstreamFor(
  url: string,
  overrides: Partial<ConstructorParameters<typeof Upstream>[0]> = {},
) {
  return new Upstream({
    baseUrl: url,
    timeoutMs: 2_000,
    idleTimeoutMs: 2_000,
    maxRequestsPerConnection: 1_000,
    ...overrides,
  });
}

Deno.test("Upstream.request() reuses one connection for sequential requests by default", async () => {
  const server = startCountingServer();
  const upstream = upstreamFor(server.url);
  try {
    for (let i = 0; i < 6; i++) {
      const res = await upstream.request({ method: "GET", path: "/health" });
      assert.equal(res.status, 200);
    }
    assert.equal(server.seen.length, 6);
    assert.equal(server.connections(), 1);
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("Upstream.request() with newConnection opens a new TCP connection per request", async () => {
  const server = startCountingServer();
  const upstream = upstreamFor(server.url);
  try {
    for (let i = 0; i < 6; i++) {
      const res = await upstream.request({
        method: "POST",
        path: "/predict",
        body: new TextEncoder().encode("{}"),
        headers: { "content-type": "application/json" },
        newConnection: true,
      });
      assert.equal(res.status, 200);
    }
    assert.equal(server.seen.length, 6);
    assert.equal(server.connections(), 6);
    assert.equal(upstream.stats.newConnectionRequests, 6);
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("Upstream.request() retires a pooled client after maxRequestsPerConnection (R1.16)", async () => {
  const server = startCountingServer();
  const upstream = upstreamFor(server.url, { maxRequestsPerConnection: 3 });
  try {
    for (let i = 0; i < 7; i++) await upstream.request({ method: "GET", path: "/health" });
    // 3 + 3 + 1 requests: three clients, three connections.
    assert.equal(server.connections(), 3);
    assert.equal(upstream.stats.poolsCreated, 3);
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("Upstream.request() fails with kind timeout when the backend is too slow", async () => {
  const server = startHeldServer(() => new Response("late"));
  const upstream = upstreamFor(server.url, { timeoutMs: 150 });
  try {
    const started = performance.now();
    const err = await upstream.request({ method: "GET", path: "/model" }).catch((e) => e);
    assert.ok(err instanceof UpstreamError);
    assert.equal(err.kind, "timeout");
    assert.match(err.message, /did not answer GET \/model within 150 ms/);
    assert.ok(performance.now() - started < 1_500);
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("Upstream.request() fails with kind unreachable and a plain reason when nothing listens", async () => {
  const upstream = upstreamFor(`http://127.0.0.1:${deadPort()}`);
  try {
    const err = await upstream.request({ method: "GET", path: "/health" }).catch((e) => e);
    assert.ok(err instanceof UpstreamError);
    assert.equal(err.kind, "unreachable");
    assert.match(err.message, /could not be reached for GET \/health: connection refused/);
  } finally {
    upstream.close();
  }
});

Deno.test("Upstream pool idle timeout is below the backend's keep-alive: Deno.serve keeps an idle socket longer (R1.11)", async () => {
  // The backend is Deno.serve; hold a kept-alive socket idle for longer than
  // the UI's pool idle timeout, then reuse it: the server must still answer.
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("ok"),
  );
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  try {
    const request = new TextEncoder().encode("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    const buf = new Uint8Array(1024);
    await conn.write(request);
    assert.ok((await conn.read(buf)) ?? 0 > 0);
    await new Promise((r) => setTimeout(r, UI_DEFAULTS.UPSTREAM_IDLE_TIMEOUT_MS + 500));
    await conn.write(request);
    const n = await conn.read(buf);
    assert.ok(n !== null && n > 0, "the backend closed an idle socket the UI pool would reuse");
    assert.match(new TextDecoder().decode(buf.subarray(0, n)), /^HTTP\/1\.1 200/);
  } finally {
    conn.close();
    await server.shutdown();
  }
});

Deno.test("Upstream with an idle timeout below the server's never hits a closed socket (R1.11 soak)", async () => {
  const server = startIdleClosingServer(300);
  const upstream = upstreamFor(server.url, { idleTimeoutMs: 150 });
  // Seeded gaps in [0, 500) ms around the server's 300 ms idle timeout.
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  try {
    for (let i = 0; i < 20; i++) {
      const res = await upstream.request({ method: "GET", path: "/health" });
      assert.equal(res.status, 200, `request ${i} failed`);
      await new Promise((r) => setTimeout(r, Math.floor(next() * 500)));
    }
    assert.equal(server.requests(), 20);
  } finally {
    upstream.close();
    await server.close();
  }
});

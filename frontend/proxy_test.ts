import assert from "node:assert/strict";
import {
  createProxy,
  downstreamResponseHeaders,
  NEW_CONNECTION_HEADER,
  PROXY_ROUTES,
  type ProxyHandler,
  redactPaths,
  upstreamRequestHeaders,
} from "./proxy.ts";
import { UiError } from "./problem.ts";
import { deadPort, startCountingServer, startHeldServer } from "./tests/_loopback.ts";
import { assertUiFitsContainer } from "./tests/_stack.ts";
import { Upstream } from "./upstream.ts";

function setup(url: string, timeoutMs = 2_000) {
  const upstream = new Upstream({
    baseUrl: url,
    timeoutMs,
    idleTimeoutMs: 1_000,
    maxRequestsPerConnection: 100,
  });
  const handler = createProxy(upstream, { maxBodyBytes: 4_096, bodyTimeoutMs: 2_000 });
  // The app's onError renders thrown UiErrors; do the same here.
  const proxy: ProxyHandler = (req, path, clientIp) =>
    handler(req, path, clientIp).catch((err) => {
      if (err instanceof UiError) return err.toResponse();
      throw err;
    });
  return { upstream, proxy };
}

const UI = "http://ui.local:8501";

Deno.test("proxy forwards allow-listed routes to BACKEND_URL only", async () => {
  const server = startCountingServer();
  const { upstream, proxy } = setup(server.url);
  try {
    const res = await proxy(new Request(`${UI}/api/health?target=http://evil.example/`), "/health");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true, path: "/health" });
    // The query string is dropped: nothing from the request chooses the target.
    assert.equal(server.seen[0].path, "/health");
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("proxy is not an open proxy: unknown, absolute and traversal paths get 404 without contacting the backend", async () => {
  const server = startCountingServer();
  const { upstream, proxy } = setup(server.url);
  try {
    for (
      const path of [
        "/docs",
        "/http://evil.example/predict",
        "//evil.example/health",
        "/../health",
        "/health/../metrics",
        "/%2e%2e/health",
        "/predict/",
        "/Health",
        "/__proto__",
        "/constructor",
        "",
      ]
    ) {
      const res = await proxy(new Request(`${UI}/api${path}`), path);
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      const body = await res.json();
      assert.equal(body.status, 404);
      assert.match(body.detail, /is proxied/);
    }
    assert.equal(server.seen.length, 0);
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("proxy answers 405 with Allow for a method the route does not take", async () => {
  const server = startCountingServer();
  const { upstream, proxy } = setup(server.url);
  try {
    const res = await proxy(new Request(`${UI}/api/predict`), "/predict");
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "POST");
    await res.body?.cancel();
    const del = await proxy(new Request(`${UI}/api/model`, { method: "DELETE" }), "/model");
    assert.equal(del.status, 405);
    assert.equal(del.headers.get("allow"), "GET");
    await del.body?.cancel();
    assert.equal(server.seen.length, 0);
    assert.deepEqual(Object.keys(PROXY_ROUTES).sort(), [
      "/feedback",
      "/health",
      "/metrics",
      "/model",
      "/models",
      "/models/aliases/canary",
      "/models/aliases/challenger",
      "/models/aliases/champion",
      "/models/drift/report",
      "/predict",
      "/ready",
    ]);
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("upstreamRequestHeaders() strips hop-by-hop, session and spoofable headers", () => {
  const incoming = new Headers({
    host: "ui.local:8501",
    connection: "keep-alive, x-secret-hop",
    "x-secret-hop": "1",
    "keep-alive": "timeout=5",
    te: "trailers",
    upgrade: "websocket",
    "proxy-authorization": "Basic abc",
    cookie: "session=1",
    authorization: "Bearer t",
    "x-forwarded-for": "6.6.6.6",
    "content-type": "application/json",
    "x-request-id": "req-1",
    [NEW_CONNECTION_HEADER]: "1",
  });
  const out = upstreamRequestHeaders(incoming, "10.0.0.7");
  for (
    const name of [
      "host",
      "connection",
      "x-secret-hop",
      "keep-alive",
      "te",
      "upgrade",
      "proxy-authorization",
      "cookie",
      "authorization",
      NEW_CONNECTION_HEADER,
    ]
  ) {
    assert.equal(out.has(name), false, name);
  }
  assert.equal(out.get("content-type"), "application/json");
  assert.equal(out.get("x-request-id"), "req-1");
  assert.equal(out.get("x-forwarded-for"), "10.0.0.7");
  assert.equal(out.get("x-forwarded-host"), "ui.local:8501");
  assert.equal(out.get("accept-encoding"), "identity");
});

Deno.test("downstreamResponseHeaders() strips hop-by-hop and cookie headers from the backend", () => {
  const out = downstreamResponseHeaders(
    new Headers({
      connection: "close",
      "keep-alive": "timeout=5",
      "transfer-encoding": "chunked",
      "set-cookie": "a=b",
      "content-type": "application/json",
      "x-request-id": "r",
    }),
  );
  assert.deepEqual([...out.keys()].sort(), ["cache-control", "content-type", "x-request-id"]);
});

Deno.test("proxy passes bodies, statuses and problem bodies through, headers cleaned both ways", async () => {
  const server = startCountingServer((_req, seen) =>
    new Response(
      JSON.stringify({ type: "/docs#problem-validation", status: 422, echo: seen.body }),
      {
        status: 422,
        headers: {
          "content-type": "application/problem+json",
          "set-cookie": "x=y",
          connection: "close",
        },
      },
    )
  );
  const { upstream, proxy } = setup(server.url);
  try {
    const body = JSON.stringify({ readings: [{ voltage: "230" }] });
    const res = await proxy(
      new Request(`${UI}/api/predict`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          cookie: "s=1",
          connection: "x-hop",
          "x-hop": "1",
        },
        body,
      }),
      "/predict",
      "127.0.0.1",
    );
    assert.equal(res.status, 422);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    assert.equal(res.headers.has("set-cookie"), false);
    assert.equal(res.headers.get("x-upstream-connection"), "pooled");
    assert.equal((await res.json()).echo, body);
    const sent = server.seen[0];
    assert.equal(sent.method, "POST");
    assert.equal(sent.headers.get("content-type"), "application/json");
    assert.equal(sent.headers.has("cookie"), false);
    assert.equal(sent.headers.has("x-hop"), false);
    assert.equal(sent.headers.get("x-forwarded-for"), "127.0.0.1");
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("proxy rejects a body over its limit with 413, chunked or not, without contacting the backend", async () => {
  const server = startCountingServer();
  const { upstream, proxy } = setup(server.url);
  try {
    const big = "x".repeat(5_000);
    const plain = await proxy(
      new Request(`${UI}/api/predict`, { method: "POST", body: big }),
      "/predict",
    );
    assert.equal(plain.status, 413);
    assert.equal((await plain.json()).limit, 4_096);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new TextEncoder().encode("y".repeat(1_000)));
        c.close();
      },
    });
    const chunked = await proxy(
      new Request(`${UI}/api/predict`, { method: "POST", body: stream }),
      "/predict",
    );
    assert.equal(chunked.status, 413);
    await chunked.body?.cancel();
    assert.equal(server.seen.length, 0);
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("proxy with x-new-connection: 1 opens a new backend connection per request; without it reuses one", async () => {
  const server = startCountingServer();
  const { upstream, proxy } = setup(server.url);
  const post = (fresh: boolean) =>
    proxy(
      new Request(`${UI}/api/predict`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(fresh ? { [NEW_CONNECTION_HEADER]: "1" } : {}),
        },
        body: "{}",
      }),
      "/predict",
    );
  try {
    for (let i = 0; i < 5; i++) {
      const res = await post(true);
      assert.equal(res.headers.get("x-upstream-connection"), "new");
      await res.body?.cancel();
    }
    assert.equal(server.connections(), 5);
    assert.equal(server.seen.every((s) => !s.headers.has(NEW_CONNECTION_HEADER)), true);
    for (let i = 0; i < 5; i++) await (await post(false)).body?.cancel();
    // Five more requests over one pooled connection: six in total.
    assert.equal(server.connections(), 6);
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("proxy answers 502 problem+json when the backend is down, and recovers when it is back", async () => {
  const port = deadPort();
  const { upstream, proxy } = setup(`http://127.0.0.1:${port}`);
  let server: Deno.HttpServer | null = null;
  try {
    const down = await proxy(new Request(`${UI}/api/health`), "/health");
    assert.equal(down.status, 502);
    assert.equal(down.headers.get("content-type"), "application/problem+json");
    assert.equal(down.headers.get("retry-after"), "2");
    const body = await down.json();
    assert.equal(body.title, "Backend unreachable");
    assert.equal(body.status, 502);
    assert.match(body.detail, /could not be reached for GET \/health: connection refused/);
    assert.doesNotMatch(JSON.stringify(body), /at .*\.ts:\d+/);

    server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen: () => {} },
      () => Response.json({ status: "ok" }),
    );
    const up = await proxy(new Request(`${UI}/api/health`), "/health");
    assert.equal(up.status, 200);
    assert.deepEqual(await up.json(), { status: "ok" });
  } finally {
    upstream.close();
    await server?.shutdown();
  }
});

Deno.test("proxy answers 504 problem+json when the backend does not answer in time", async () => {
  const server = startHeldServer(() => new Response("late"));
  const { upstream, proxy } = setup(server.url, 200);
  try {
    const res = await proxy(new Request(`${UI}/api/model`), "/model");
    assert.equal(res.status, 504);
    const body = await res.json();
    assert.equal(body.title, "Backend timed out");
    assert.match(body.detail, /did not answer GET \/model within 200 ms/);
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("redactPaths() reduces absolute file paths to file names and leaves URLs, ratios and versions alone", () => {
  assert.deepEqual(
    redactPaths({
      source: "loaded from artifact /app/models/isolation_forest.json",
      reason: "Model file C:\\models\\m.json is corrupt; see /var/log/x/",
      list: ["/home/ana/work/grid/models/m.json", 3, null],
      keep: "http://anomaly-backend:8000/models/m.json 12/34 req/s sha256:ab/cd ./models/m.json",
    }),
    {
      source: "loaded from artifact isolation_forest.json",
      reason: "Model file m.json is corrupt; see x/",
      list: ["m.json", 3, null],
      keep: "http://anomaly-backend:8000/models/m.json 12/34 req/s sha256:ab/cd ./models/m.json",
    },
  );
});

Deno.test("proxy never shows the backend's absolute file paths from /model, /ready or /health", async () => {
  const server = startCountingServer((_req, seen) => {
    if (seen.path === "/model") {
      return Response.json({
        name: "isolation_forest",
        source: "loaded from artifact /app/models/isolation_forest.json",
      });
    }
    return Response.json(
      {
        status: "failed",
        ready: false,
        reason: "Model artifact /srv/anomaly/models/isolation_forest.json is not valid JSON",
      },
      { status: 503 },
    );
  });
  const { upstream, proxy } = setup(server.url);
  try {
    const model = await proxy(new Request(`${UI}/api/model`), "/model");
    assert.equal(model.status, 200);
    const info = await model.json();
    assert.equal(info.source, "loaded from artifact isolation_forest.json");
    for (const path of ["/ready", "/health"]) {
      const res = await proxy(new Request(`${UI}/api${path}`), path);
      assert.equal(res.status, 503);
      const text = await res.text();
      assert.doesNotMatch(text, /\/srv\//);
      assert.equal(
        JSON.parse(text).reason,
        "Model artifact isolation_forest.json is not valid JSON",
      );
    }
  } finally {
    upstream.close();
    await server.close();
  }
});

Deno.test("the UI process stays under its 256Mi container limit with 100 concurrent maximum-size uploads", async (t) => {
  // A slow backend keeps every admitted upload in flight at once.
  await assertUiFitsContainer(t, { delayMs: 1_000 }, async (ui) => {
    const readings = [];
    let body = "";
    while (body.length < 1_040_000) {
      for (let i = 0; i < 500; i++) {
        readings.push({ voltage: 230 + (i % 7), current: 10.123456, frequency: 50.012345 });
      }
      body = JSON.stringify({ readings });
    }
    const statuses = await Promise.all(Array.from({ length: 100 }, async () => {
      const res = await fetch(`${ui.url}/api/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      await res.body?.cancel();
      return res.status;
    }));
    const ok = statuses.filter((s) => s === 200).length;
    assert.equal(ok + statuses.filter((s) => s === 503).length, 100, statuses.join());
    assert.ok(ok >= 15, `${ok} uploads admitted`);
    // Without byte-based admission 64 such uploads took the UI to 501 MiB.
  });
});

Deno.test("upstreamRequestHeaders() forwards the user's Authorization on admin routes only", () => {
  const incoming = new Headers({ authorization: "Bearer admin-token", cookie: "s=1" });
  assert.equal(
    upstreamRequestHeaders(incoming, undefined, true).get("authorization"),
    "Bearer admin-token",
  );
  assert.equal(upstreamRequestHeaders(incoming, undefined, true).has("cookie"), false);
  assert.equal(upstreamRequestHeaders(incoming).has("authorization"), false);
  assert.equal(upstreamRequestHeaders(new Headers(), undefined, true).has("authorization"), false);
});

Deno.test("the proxy sends the admin token with a promotion and never with /models or /feedback", async () => {
  const seen: { method: string; path: string; auth: string | null; body: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    seen.push({
      method: req.method,
      path: new URL(req.url).pathname,
      auth: req.headers.get("authorization"),
      body: await req.text(),
    });
    return Response.json({ ok: true });
  });
  const { upstream, proxy } = setup(`http://127.0.0.1:${server.addr.port}`);
  try {
    const auth = { authorization: "Bearer admin-token" };
    const put = await proxy(
      new Request(`${UI}/api/models/aliases/champion`, {
        method: "PUT",
        headers: { ...auth, "content-type": "application/json" },
        body: '{"version":"sha256:0123456789ab"}',
      }),
      "/models/aliases/champion",
    );
    assert.equal(put.status, 200);
    await put.body?.cancel();
    const del = await proxy(
      new Request(`${UI}/api/models/aliases/challenger`, { method: "DELETE", headers: auth }),
      "/models/aliases/challenger",
    );
    await del.body?.cancel();
    const list = await proxy(new Request(`${UI}/api/models`, { headers: auth }), "/models");
    await list.body?.cancel();
    const feedback = await proxy(
      new Request(`${UI}/api/feedback`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: "{}",
      }),
      "/feedback",
    );
    await feedback.body?.cancel();
    assert.deepEqual(seen.map((s) => [s.method, s.path, s.auth]), [
      ["PUT", "/models/aliases/champion", "Bearer admin-token"],
      ["DELETE", "/models/aliases/challenger", "Bearer admin-token"],
      ["GET", "/models", null],
      ["POST", "/feedback", null],
    ]);
    assert.equal(seen[0].body, '{"version":"sha256:0123456789ab"}');
    const wrong = await proxy(
      new Request(`${UI}/api/models/aliases/champion`, { method: "DELETE" }),
      "/models/aliases/champion",
    );
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "PUT");
    await wrong.body?.cancel();
  } finally {
    upstream.close();
    await server.shutdown();
  }
});

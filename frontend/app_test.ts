import assert from "node:assert/strict";
import type { Hono } from "hono";
import { UiShutdown } from "./app.ts";
import { DEFAULT_MAX_BATCH, offeredLimit } from "./batch_limit.ts";
import { BURST_MAX_BODY_BYTES } from "./bursts.ts";
import type { StaticFiles } from "./static_files.ts";
import { startFakeBackend } from "./tests/_fake_backend.ts";
import { deadPort, startHeldServer } from "./tests/_loopback.ts";
import { openRaw } from "./tests/_raw_client.ts";
import { serveUi, testUiApp, type TestUiAppOptions } from "./tests/_ui_server.ts";

const JS = new TextEncoder().encode("export const x = 1;");
const staticFiles: StaticFiles = {
  buildId: "test1",
  files: new Map([
    ["/static/build/runtime/boot.js", {
      body: JS,
      contentType: "text/javascript; charset=utf-8",
      etag: '"e1"',
    }],
  ]),
};

/** A small burst the fake backend finishes at once. */
const SPEC = {
  requests: 10,
  concurrency: 3,
  cycles: 1,
  pauseMs: 0,
  batchSize: 8,
  anomalyRate: 0.1,
};

/** Assert that `res` answered `status`, and discard its body (an unread body leaks a resource). */
async function expectStatus(res: Response | Promise<Response>, status: number, what?: string) {
  const r = await res;
  assert.equal(r.status, status, what);
  await r.body?.cancel();
}

/** The test app with the usual test limits and the static files above; `options` changes them. */
function setup(backendUrl: string, options: TestUiAppOptions = {}) {
  return testUiApp(backendUrl, {
    upstreamTimeoutMs: 2_000,
    bodyTimeoutMs: 2_000,
    maxInflightBytes: 1_048_576,
    staticFiles,
    ...options,
  });
}

Deno.test("GET / and GET /meter render their pages with five hydratable islands, their props and a CSP nonce", async () => {
  // The Service's name is shown, never resolved: the batch limit comes from a stub, not the network.
  const { app, close } = setup("http://anomaly-backend:8000", {
    batchLimits: { current: () => Promise.resolve(offeredLimit(5_000, 8_192)) },
  });
  try {
    for (const [path, first] of [["/meter", "LiveMonitor"], ["/", "FleetMonitor"]]) {
      const page = await app.request(path);
      assert.equal(page.status, 200);
      const text = await page.text();
      for (const name of [first, "BackendStatus", "ModelsPanel", "BurstRunner", "InstanceChart"]) {
        assert.match(text, new RegExp(`data-island="${name}"`));
        assert.match(
          text,
          new RegExp(`import I\\d from "/static/build/islands/${name}\\.js\\?v=test1"`),
        );
      }
    }
    const res = await app.request("/");
    const html = await res.text();
    const props = JSON.parse(/id="__island_props">(.*?)<\/script>/.exec(html)![1]);
    assert.equal(props.length, 5);
    assert.ok(
      props.some((p: { backendUrl?: string }) => p.backendUrl === "http://anomaly-backend:8000"),
    );
    const csp = res.headers.get("content-security-policy")!;
    const nonce = /'nonce-([0-9a-f]+)'/.exec(csp)![1];
    assert.match(html, new RegExp(`<script type="module" nonce="${nonce}">`));
    assert.match(csp, /connect-src 'self'/);
    assert.match(html, /<h1>Grid anomaly detection<\/h1>/);
    assert.match(html, /<main id="main">/);
    const zipped = await app.request("/", { headers: { "accept-encoding": "gzip" } });
    assert.equal(zipped.headers.get("content-encoding"), "gzip");
    await zipped.body?.cancel();
  } finally {
    await close();
  }
});

/** The props the page gave LiveMonitor and BurstRunner, and the batch control's HTML. */
async function batchControls(app: Hono) {
  const res = await app.request("/meter");
  assert.equal(res.status, 200);
  const html = await res.text();
  const props = JSON.parse(/id="__island_props">(.*?)<\/script>/.exec(html)![1]!) as Record<
    string,
    unknown
  >[];
  const live = props.find((p) => "maxBatch" in p)!;
  const burst = props.find((p) => "budget" in p) as { limits: { batchSize: number[] } };
  const input = /<input id="batch-size"[^>]*>/.exec(html)![0];
  const help = /<small id="batch-size-help">(.*?)<\/small>/.exec(html)![1]!;
  return { live, burst, input, help };
}

Deno.test("GET /meter offers the batch limit the backend publishes in /openapi.json (MAX_BATCH=50)", async () => {
  const backend = startFakeBackend({ maxBatch: 50 });
  const { app, close } = setup(backend.url);
  try {
    const { live, burst, input, help } = await batchControls(app);
    assert.match(input, / max="50"/);
    assert.equal(live.maxBatch, 50);
    assert.match(help, /1–50, the backend&#39;s MAX_BATCH|1–50, the backend's MAX_BATCH/);
    assert.deepEqual(burst.limits.batchSize, [1, 50]);
    assert.ok(backend.seen.some((r) => r.method === "GET" && r.path === "/openapi.json"));
    const asked = backend.seen.length;
    await batchControls(app);
    assert.equal(backend.seen.length, asked, "the second page is served from the cache");
  } finally {
    await close();
    await backend.close();
  }
});

Deno.test("GET /meter offers the documented default and says why when the backend is down", async () => {
  // A body limit that is no tighter than the default, so the default shows.
  const { app, close } = setup(`http://127.0.0.1:${deadPort()}`, { maxBodyBytes: 1_048_576 });
  try {
    const { live, input, help } = await batchControls(app);
    assert.equal(live.maxBatch, DEFAULT_MAX_BATCH);
    assert.match(input, new RegExp(` max="${DEFAULT_MAX_BATCH}"`));
    assert.match(help, /the UI(&#39;|')s default; the backend(&#39;|')s MAX_BATCH is unknown/);
    assert.match(help, /could not be reached/);
  } finally {
    await close();
  }
});

Deno.test("GET / explains how to build when the island bundles are missing", async () => {
  const { app, close } = setup("http://b:8000", {
    staticFiles: { buildId: null, files: new Map() },
  });
  try {
    const res = await app.request("/");
    assert.equal(res.status, 503);
    assert.match(await res.text(), /deno task build:ui/);
  } finally {
    await close();
  }
});

Deno.test("GET /health is the UI's own and never depends on the backend", async () => {
  const { app, close } = setup("http://127.0.0.1:1");
  try {
    const res = await app.request("/health");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok", service: "anomaly-ui", built: true });
  } finally {
    await close();
  }
});

Deno.test("static files are served from memory with ETag revalidation; unknown ones are 404", async () => {
  const { app, close } = setup("http://b:8000");
  try {
    const res = await app.request("/static/build/runtime/boot.js");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(await res.text(), "export const x = 1;");
    const again = await app.request("/static/build/runtime/boot.js", {
      headers: { "if-none-match": '"e1"' },
    });
    assert.equal(again.status, 304);
    for (const path of ["/static/../deno.json", "/static/build/%2e%2e/x.js", "/static/nope.js"]) {
      await expectStatus(app.request(path), 404, path);
    }
  } finally {
    await close();
  }
});

Deno.test("/api/* goes through the proxy to BACKEND_URL; other API paths are 404 problems", async () => {
  const backend = startFakeBackend({ servedBy: "pod-x:1" });
  const { app, close } = setup(backend.url);
  try {
    const res = await app.request("/api/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ readings: [{ voltage: 275, current: 28, frequency: 50.7 }] }),
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.served_by, "pod-x:1");
    assert.equal(body.predictions[0].anomaly, true);
    const docs = await app.request("/api/docs");
    assert.equal(docs.status, 404);
    assert.equal(docs.headers.get("content-type"), "application/problem+json");
    await docs.body?.cancel();
    assert.equal(backend.seen.length, 1);
  } finally {
    await close();
    await backend.close();
  }
});

Deno.test("POST /api/bursts validates, runs server-side and reports progress by id", async () => {
  const backend = startFakeBackend({ servedBy: "pod-y:2" });
  const { app, close } = setup(backend.url);
  try {
    const bad = await app.request("/api/bursts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ requests: -1 }),
    });
    assert.equal(bad.status, 422);
    const problem = await bad.json();
    assert.match(problem.detail, /requests must be an integer from 1 to 5000, got -1/);
    assert.ok(problem.errors.length >= 5);

    const started = await app.request("/api/bursts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(SPEC),
    });
    assert.equal(started.status, 202);
    const { id, total } = await started.json();
    assert.equal(total, 10);
    assert.equal(started.headers.get("location"), `/api/bursts/${id}`);
    let status;
    for (let i = 0; i < 100; i++) {
      status = await (await app.request(`/api/bursts/${id}`)).json();
      if (status.state !== "running") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status.state, "done");
    assert.equal(status.ok, 10);
    assert.deepEqual(status.servedBy, { "pod-y:2": 10 });
    await expectStatus(app.request("/api/bursts/nope"), 404);
    await expectStatus(app.request("/api/bursts"), 405);
  } finally {
    await close();
    await backend.close();
  }
});

Deno.test("POST /api/bursts caps its body: a body past BURST_MAX_BODY_BYTES gets 413, declared or chunked", async () => {
  const { app, close } = setup("http://127.0.0.1:1");
  try {
    const padded = JSON.stringify({ ...SPEC, pad: "x".repeat(BURST_MAX_BODY_BYTES) });
    const declared = await app.request("/api/bursts", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(padded.length) },
      body: padded,
    });
    assert.equal(declared.status, 413);
    const problem = await declared.json();
    assert.equal(problem.limit, BURST_MAX_BODY_BYTES);
    assert.match(problem.detail, /BURST_MAX_BODY_BYTES/);
    const chunks = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode(" ".repeat(1_024)));
      },
    });
    const endless = await app.request("/api/bursts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chunks,
    });
    await expectStatus(endless, 413);
    const notJson = await app.request("/api/bursts", { method: "POST", body: "{" });
    assert.equal(notJson.status, 422);
    assert.match((await notJson.json()).detail, /must be JSON/);
  } finally {
    await close();
  }
});

Deno.test("POST /api/bursts refuses a burst past its work budget with 422 naming it, and ids are unguessable", async () => {
  const backend = startFakeBackend();
  const { app, close } = setup(backend.url);
  try {
    const huge = await app.request("/api/bursts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        ...SPEC,
        requests: 5_000,
        cycles: 20,
        concurrency: 64,
        batchSize: 1_000,
      }),
    });
    assert.equal(huge.status, 422);
    const problem = await huge.json();
    assert.match(problem.detail, /requests × cycles must be at most 20000, got 5000 × 20 = 100000/);
    assert.match(problem.detail, /concurrency × batchSize must be at most 4096/);
    const ids = [];
    for (let i = 0; i < 2; i++) {
      const res = await app.request("/api/bursts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(SPEC),
      });
      assert.equal(res.status, 202);
      ids.push((await res.json()).id);
    }
    for (const id of ids) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    assert.notEqual(ids[0], ids[1]);
    // An id that differs in one character reads and cancels nothing.
    const near = ids[0].slice(0, -1) + (ids[0].endsWith("0") ? "1" : "0");
    assert.equal((await app.request(`/api/bursts/${near}`)).status, 404);
    assert.equal((await app.request(`/api/bursts/${near}`, { method: "DELETE" })).status, 404);
  } finally {
    await close();
    await backend.close();
  }
});

Deno.test("a third running burst gets 429 with Retry-After", async () => {
  const backend = startFakeBackend({ delayMs: 50 });
  const { app, close } = setup(backend.url);
  try {
    const start = () =>
      app.request("/api/bursts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...SPEC, requests: 1_000, concurrency: 1 }),
      });
    for (let i = 0; i < 2; i++) assert.equal((await start()).status, 202);
    const third = await start();
    assert.equal(third.status, 429);
    assert.equal(third.headers.get("retry-after"), "5");
    assert.match((await third.json()).detail, /2 bursts are already running/);
  } finally {
    await close();
    await backend.close();
  }
});

Deno.test("while draining, /health is 503, responses ask to close the connection and bursts are refused", async () => {
  const backend = startFakeBackend();
  const shutdown = new UiShutdown();
  const { app, close } = setup(backend.url, { shutdown });
  try {
    assert.equal((await app.request("/health")).status, 200);
    shutdown.startDraining();
    const health = await app.request("/health");
    assert.equal(health.status, 503);
    assert.equal((await health.json()).status, "draining");
    assert.equal(health.headers.get("connection"), "close");
    const predict = await app.request("/api/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ readings: [{ voltage: 230, current: 10, frequency: 50 }] }),
    });
    await expectStatus(predict, 200);
    const burst = await app.request("/api/bursts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(SPEC),
    });
    assert.equal(burst.status, 503);
    assert.match((await burst.json()).detail, /shutting down/);
  } finally {
    await close();
    await backend.close();
  }
});

Deno.test("/api/* beyond PROXY_MAX_INFLIGHT gets 503 with Retry-After, and the limit frees up", async () => {
  const backend = startHeldServer(() => Response.json({ status: "ok" }));
  const { app, close } = setup(backend.url, { maxInflight: 2 });
  try {
    const held = [app.request("/api/health"), app.request("/api/health")];
    while (backend.seen.length < 2) await new Promise((r) => setTimeout(r, 5));
    const shed = await app.request("/api/health");
    assert.equal(shed.status, 503);
    assert.equal(shed.headers.get("retry-after"), "1");
    assert.match((await shed.json()).detail, /2 proxied requests are already in flight/);
    backend.release();
    for (const res of await Promise.all(held)) await expectStatus(res, 200);
    await expectStatus(app.request("/api/health"), 200);
  } finally {
    backend.release();
    await close();
    await backend.close();
  }
});

Deno.test("a slow declared body gets 408 within BODY_TIMEOUT_MS, through the proxy and the bursts API", async () => {
  const backend = startFakeBackend();
  const ui = serveUi(backend.url, { bodyTimeoutMs: 300 });
  try {
    for (const path of ["/api/predict", "/api/bursts"]) {
      const req = await openRaw(ui.port, "POST", path, {
        "content-type": "application/json",
        "content-length": "100",
      });
      await req.write('{"readings":');
      // Nothing more is sent: without a body timeout this waited forever.
      const answer = await req.answer(10_000);
      assert.equal(answer.status, 408, path);
      assert.match(JSON.parse(answer.body).detail, /not received within 300 ms/);
    }
    assert.equal(backend.seen.length, 0);
  } finally {
    await ui.close();
    await backend.close();
  }
});

Deno.test("an upload whose body breaks mid-way gets 400, not 500, and the server keeps serving", async () => {
  const backend = startFakeBackend();
  const { app, close } = setup(backend.url);
  try {
    for (const path of ["/api/predict", "/api/bursts"]) {
      const broken = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"readings":'));
          c.error(new Error("connection reset by peer"));
        },
      });
      const res = await app.request(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: broken,
      });
      assert.equal(res.status, 400, path);
      assert.match((await res.json()).detail, /Request body could not be read/);
    }
    assert.equal(backend.seen.length, 0);
    assert.equal((await app.request("/health")).status, 200);
  } finally {
    await close();
    await backend.close();
  }
});

Deno.test("an unexpected error becomes one plain 500 problem without details", async () => {
  const backend = startFakeBackend();
  const { app, close } = setup(backend.url, {
    staticFiles: { buildId: "x", files: null as never },
  });
  try {
    const res = await app.request("/static/build/x.js");
    assert.equal(res.status, 500);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    const body = await res.json();
    assert.equal(body.detail, "The UI server failed to handle the request");
    assert.doesNotMatch(JSON.stringify(body), /TypeError|\.ts:\d+/);
  } finally {
    await close();
    await backend.close();
  }
});

Deno.test("routes answer 405 with Allow for a method they lack, and unknown pages a 404 problem", async () => {
  const { app, close } = setup("http://127.0.0.1:1");
  try {
    for (
      const [path, method, allow] of [["/", "POST", "GET"], ["/api/bursts/x", "PUT", "GET, DELETE"]]
    ) {
      const res = await app.request(path, { method });
      assert.equal(res.status, 405, path);
      assert.equal(res.headers.get("allow"), allow);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      assert.match((await res.json()).detail, new RegExp(`Method ${method} is not allowed`));
    }
    const missing = await app.request("/nope");
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).detail, 'No page "/nope"');
  } finally {
    await close();
  }
});

Deno.test("/api/* admits request bodies by bytes: past PROXY_MAX_INFLIGHT_BYTES 503, small requests still pass", async () => {
  const backend = startHeldServer();
  const { app, close } = setup(backend.url, { maxInflightBytes: 100_000 });
  const post = (bytes: number) =>
    app.request("/api/predict", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(bytes) },
      body: " ".repeat(bytes),
    });
  try {
    const held = [post(45_000), post(45_000)];
    while (backend.seen.length < 2) await new Promise((r) => setTimeout(r, 5));
    const shed = await post(45_000);
    assert.equal(shed.status, 503);
    assert.equal(shed.headers.get("retry-after"), "1");
    assert.match(
      (await shed.json()).detail,
      /would pass 100000 bytes \(PROXY_MAX_INFLIGHT_BYTES\)/,
    );
    // 90,000 bytes are held; a 5,000-byte request still fits.
    const small = post(5_000);
    while (backend.seen.length < 3) await new Promise((r) => setTimeout(r, 5));
    backend.release();
    for (const res of await Promise.all([...held, small])) await expectStatus(res, 200);
  } finally {
    backend.release();
    await close();
    await backend.close();
  }
});

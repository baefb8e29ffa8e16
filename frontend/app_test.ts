import assert from "node:assert/strict";
import { silentLogger } from "../backend/logger.ts";
import { createUiApp } from "./app.ts";
import { BurstRunner } from "./bursts.ts";
import type { StaticFiles } from "./static_files.ts";
import { startFakeBackend } from "./tests/_fake_backend.ts";
import { Upstream } from "./upstream.ts";

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

function setup(backendUrl: string, files: StaticFiles = staticFiles) {
  const upstream = new Upstream({
    baseUrl: backendUrl,
    timeoutMs: 2_000,
    idleTimeoutMs: 1_000,
    maxRequestsPerConnection: 100,
  });
  const bursts = new BurstRunner(upstream);
  const app = createUiApp({
    config: { backendUrl, maxBodyBytes: 65_536 },
    upstream,
    bursts,
    staticFiles: files,
    logger: silentLogger,
  });
  return {
    app,
    close: async () => {
      await bursts.close();
      upstream.close();
    },
  };
}

Deno.test("GET / renders the dashboard with four hydratable islands, their props and a CSP nonce", async () => {
  const { app, close } = setup("http://anomaly-backend:8000");
  try {
    const res = await app.request("/");
    assert.equal(res.status, 200);
    const html = await res.text();
    for (const name of ["LiveMonitor", "BackendStatus", "BurstRunner", "InstanceChart"]) {
      assert.match(html, new RegExp(`data-island="${name}"`));
      assert.match(
        html,
        new RegExp(`import I\\d from "/static/build/islands/${name}\\.js\\?v=test1"`),
      );
    }
    const props = JSON.parse(/id="__island_props">(.*?)<\/script>/.exec(html)![1]);
    assert.equal(props.length, 4);
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

Deno.test("GET / explains how to build when the island bundles are missing", async () => {
  const { app, close } = setup("http://b:8000", { buildId: null, files: new Map() });
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
      const miss = await app.request(path);
      assert.equal(miss.status, 404, path);
      await miss.body?.cancel();
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
    assert.match(problem.detail, /requests must be between 1 and 5000, got -1/);
    assert.ok(problem.errors.length >= 5);

    const started = await app.request("/api/bursts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        requests: 10,
        concurrency: 3,
        cycles: 1,
        pauseMs: 0,
        batchSize: 8,
        anomalyRate: 0.1,
      }),
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
    const missing = await app.request("/api/bursts/nope");
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    const wrong = await app.request("/api/bursts");
    assert.equal(wrong.status, 405);
    await wrong.body?.cancel();
  } finally {
    await close();
    await backend.close();
  }
});

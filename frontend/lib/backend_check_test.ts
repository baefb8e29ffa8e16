import assert from "node:assert/strict";
import { silentLogger } from "../../backend/logger.ts";
import { createUiApp } from "../app.ts";
import { BurstRunner } from "../bursts.ts";
import { problemHeading } from "../components/ProblemBanner.tsx";
import { startFakeBackend } from "../tests/_fake_backend.ts";
import { startCountingServer } from "../tests/_loopback.ts";
import { Upstream } from "../upstream.ts";
import { callJson } from "./api.ts";
import { type CallJson, checkBackend, healthSaysReady, missingNote } from "./backend_check.ts";

/** `callJson` as the page runs it, with the page's fetch going to a real UI app in front of `backendUrl`. */
async function throughUi<T>(backendUrl: string, fn: (call: CallJson) => Promise<T>): Promise<T> {
  const upstream = new Upstream({
    baseUrl: backendUrl,
    timeoutMs: 2_000,
    idleTimeoutMs: 1_000,
    maxRequestsPerConnection: 100,
  });
  const app = createUiApp({
    config: {
      backendUrl,
      maxBodyBytes: 65_536,
      maxInflight: 8,
      maxInflightBytes: 1_048_576,
      bodyTimeoutMs: 2_000,
    },
    upstream,
    bursts: new BurstRunner(upstream),
    staticFiles: { buildId: "t", files: new Map() },
    logger: silentLogger,
  });
  const original = globalThis.fetch;
  // Only the page's relative URLs go to the app; the proxy's own fetch to the backend stays real.
  globalThis.fetch =
    ((input: string | URL | Request, init?: RequestInit) =>
      typeof input === "string" && input.startsWith("/")
        ? app.request(input, init)
        : original(input, init)) as typeof fetch;
  try {
    return await fn(callJson);
  } finally {
    globalThis.fetch = original;
    upstream.close();
  }
}

/** The workshop's Python original: /health, /predict and /metrics only; FastAPI's 404 body. */
function startOriginalBackend() {
  return startCountingServer((_req, seen) => {
    if (seen.path === "/health") {
      return Response.json({ status: "ok", model: "isolation_forest", features: ["voltage"] });
    }
    return Response.json({ detail: "Not Found" }, { status: 404 });
  });
}

Deno.test("checkBackend() against a backend without /ready or /model: ready from /health, one note, no error", async () => {
  const backend = startOriginalBackend();
  try {
    const result = await throughUi(backend.url, (call) => checkBackend(call, null));
    assert.equal(result.phase, "ready");
    assert.equal(result.problem, null);
    assert.deepEqual(result.missing, ["/ready", "/model"]);
    assert.equal(result.health?.status, "ok");
    assert.equal(
      missingNote(result.missing),
      "This backend has no /ready and /model endpoints (an older version, such as the workshop's original): readiness is taken from /health; model details are not available. Predictions work as usual.",
    );
  } finally {
    await backend.close();
  }
});

Deno.test("checkBackend() against our backend uses /ready and /model and notes nothing", async () => {
  const backend = startFakeBackend();
  try {
    const result = await throughUi(backend.url, (call) => checkBackend(call, null));
    assert.equal(result.phase, "ready");
    assert.deepEqual(result.missing, []);
    assert.equal(missingNote(result.missing), null);
    assert.ok(backend.seen.some((s) => s.path === "/ready"));
  } finally {
    await backend.close();
  }
});

Deno.test("checkBackend() reports a 503 from /ready as not ready with its reason, and a dead backend as unreachable", async () => {
  const backend = startCountingServer((_req, seen) =>
    seen.path === "/health"
      ? Response.json({ status: "loading" })
      : Response.json({ status: "loading", ready: false, reason: "Training the model" }, {
        status: 503,
      })
  );
  try {
    const result = await throughUi(backend.url, (call) => checkBackend(call, null));
    assert.equal(result.phase, "not-ready");
    assert.deepEqual(result.problem, {
      title: "Backend not ready",
      detail: "Training the model",
      status: 503,
    });
    assert.deepEqual(result.missing, []);
  } finally {
    await backend.close();
  }
  const down = await throughUi("http://127.0.0.1:1", (call) => checkBackend(call, null));
  assert.equal(down.phase, "unreachable");
  assert.equal(down.problem?.status, 502);
});

Deno.test("healthSaysReady() reads the original's and our /health bodies", () => {
  assert.equal(healthSaysReady({ status: "ok" }), true);
  assert.equal(healthSaysReady({ status: "healthy" }), true);
  assert.equal(healthSaysReady({ status: "ok", model_loaded: false }), false);
  assert.equal(healthSaysReady({ status: "ok", state: "loading" }), false);
  assert.equal(healthSaysReady({ status: "error" }), false);
});

Deno.test("problemHeading() names the status once, also for a body that was not a problem", () => {
  assert.equal(problemHeading({ title: "HTTP 404", detail: "Not Found", status: 404 }), "HTTP 404");
  assert.equal(
    problemHeading({ title: "Not found", detail: "x", status: 404 }),
    "Not found (HTTP 404)",
  );
  assert.equal(
    problemHeading({ title: "UI server unreachable", detail: "x", status: 0 }),
    "UI server unreachable",
  );
});

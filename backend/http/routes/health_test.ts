import assert from "node:assert/strict";
import { ServiceState } from "../../predict/state.ts";
import { FAKE_INFO, FakeDetector } from "../../tests/_fake_detector.ts";
import { healthRoutes } from "./health.ts";

function routes() {
  const state = new ServiceState();
  return { state, app: healthRoutes({ state, servedBy: "pod-a:7" }) };
}

Deno.test("GET /health answers 200 in every lifecycle state and says which one", async () => {
  const { state, app } = routes();
  const seen: string[] = [];
  const step = async () => {
    const res = await app.request("/health");
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.status, "ok");
    assert.equal(body.served_by, "pod-a:7");
    seen.push(body.state);
    return body;
  };
  const loading = await step();
  assert.equal(loading.model_loaded, false);
  assert.equal(loading.model_version, null);
  assert.deepEqual(loading.features, ["voltage", "current", "frequency"]);
  state.setReady(new FakeDetector());
  const ready = await step();
  assert.equal(ready.model_loaded, true);
  assert.equal(ready.model_version, FAKE_INFO.version);
  state.startDraining();
  await step();
  state.setFailed("disk gone");
  await step();
  assert.deepEqual(seen, ["loading", "ready", "draining", "failed"]);
});

Deno.test("GET /health reports the loaded model's own name and features", async () => {
  const { state, app } = routes();
  const detector = new FakeDetector();
  Object.defineProperty(detector, "info", {
    value: { ...FAKE_INFO, name: "temporal_window", features: ["u", "i"] },
  });
  state.setReady(detector);
  const body = await (await app.request("/health")).json();
  assert.equal(body.model, "temporal_window");
  assert.deepEqual(body.features, ["u", "i"]);
});

Deno.test("GET /health uptime_seconds grows with the process", async () => {
  const { app } = routes();
  const first = (await (await app.request("/health")).json()).uptime_seconds;
  assert.ok(Number.isFinite(first) && first >= 0);
  // Wait for a clock that is 20 ms further on, then the uptime must have moved with it.
  const until = performance.now() + 20;
  while (performance.now() < until) await new Promise((r) => setTimeout(r, 5));
  const second = (await (await app.request("/health")).json()).uptime_seconds;
  assert.ok(second >= first + 0.01, `${second} after ${first}`);
});

Deno.test("GET /ready is 503 with Retry-After and the reason until ready, then 200 without", async () => {
  const { state, app } = routes();
  const loading = await app.request("/ready");
  assert.equal(loading.status, 503);
  assert.equal(loading.headers.get("retry-after"), "5");
  assert.deepEqual(await loading.json(), {
    status: "loading",
    ready: false,
    reason: "Model is loading",
    served_by: "pod-a:7",
  });
  state.setReady(new FakeDetector());
  const ready = await app.request("/ready");
  assert.equal(ready.status, 200);
  assert.equal(ready.headers.get("retry-after"), null);
  assert.deepEqual(await ready.json(), {
    status: "ready",
    ready: true,
    reason: null,
    served_by: "pod-a:7",
  });
  state.startDraining();
  const draining = await app.request("/ready");
  assert.equal(draining.status, 503);
  assert.equal((await draining.json()).reason, "Shutting down");
});

Deno.test("GET /ready passes on the model's warning while staying ready", async () => {
  const { state, app } = routes();
  const detector = new FakeDetector();
  Object.defineProperty(detector, "info", {
    value: { ...FAKE_INFO, warning: "Serving an artifact the service did not make" },
  });
  state.setReady(detector);
  const res = await app.request("/ready");
  assert.equal(res.status, 200);
  assert.equal((await res.json()).warning, "Serving an artifact the service did not make");
  state.setFailed("Model file is corrupt");
  const failed = await app.request("/ready");
  assert.equal(failed.status, 503);
  assert.equal((await failed.json()).reason, "Model file is corrupt");
});

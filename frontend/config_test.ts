import assert from "node:assert/strict";
import { loadUiConfig, parseBackendUrl, UI_DEFAULTS, UiConfigError } from "./config.ts";

Deno.test("loadUiConfig() uses the workshop defaults", () => {
  const c = loadUiConfig({});
  assert.equal(c.port, 8501);
  assert.equal(c.host, "0.0.0.0");
  assert.equal(c.backendUrl, "http://localhost:8000");
  assert.equal(c.upstreamIdleTimeoutMs, UI_DEFAULTS.UPSTREAM_IDLE_TIMEOUT_MS);
});

Deno.test("loadUiConfig() reads PORT, HOST and BACKEND_URL and trims a trailing slash", () => {
  const c = loadUiConfig({
    PORT: "9000",
    HOST: "127.0.0.1",
    BACKEND_URL: "http://anomaly-backend:8000/",
  });
  assert.equal(c.port, 9000);
  assert.equal(c.host, "127.0.0.1");
  assert.equal(c.backendUrl, "http://anomaly-backend:8000");
});

Deno.test("loadUiConfig() lists every invalid variable in one error", () => {
  assert.throws(
    () => loadUiConfig({ PORT: "http", BACKEND_URL: "ftp://x", UPSTREAM_TIMEOUT_MS: "5" }),
    (err: unknown) => {
      assert.ok(err instanceof UiConfigError);
      assert.equal(err.problems.length, 3);
      assert.match(err.message, /PORT must be an integer, got "http"/);
      assert.match(err.message, /BACKEND_URL must use http or https, got "ftp:\/\/x"/);
      assert.match(err.message, /UPSTREAM_TIMEOUT_MS must be at least 100/);
      return true;
    },
  );
});

Deno.test("parseBackendUrl() refuses credentials, queries and relative URLs", () => {
  assert.throws(() => parseBackendUrl("http://user:pw@backend:8000"), /must not carry credentials/);
  assert.throws(() => parseBackendUrl("http://backend:8000/?x=1"), /must not carry/);
  assert.throws(() => parseBackendUrl("backend:8000"), /must use http or https|absolute/);
  assert.equal(parseBackendUrl("https://b.example/api/"), "https://b.example/api");
});

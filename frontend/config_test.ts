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
      assert.match(
        err.message,
        /UPSTREAM_TIMEOUT_MS must be an integer from 100 to 600000, got "5"/,
      );
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

Deno.test("loadUiConfig() reads the body timeout, in-flight limit, drain delay and shutdown deadline", () => {
  const c = loadUiConfig({
    BODY_TIMEOUT_MS: "2000",
    PROXY_MAX_INFLIGHT: "8",
    DRAIN_DELAY_S: "0",
    SHUTDOWN_DEADLINE_S: "15",
  });
  assert.equal(c.bodyTimeoutMs, 2_000);
  assert.equal(c.maxInflight, 8);
  assert.equal(c.drainDelaySeconds, 0);
  assert.equal(c.shutdownDeadlineSeconds, 15);
  const d = loadUiConfig({});
  assert.equal(d.bodyTimeoutMs, UI_DEFAULTS.BODY_TIMEOUT_MS);
  assert.equal(d.maxInflightBytes, 16 * 1_048_576);
  assert.ok(d.maxInflightBytes >= d.maxBodyBytes);
});

Deno.test("loadUiConfig() refuses limits that do not fit together", () => {
  assert.throws(
    () => loadUiConfig({ PROXY_MAX_INFLIGHT_BYTES: "100000", PROXY_MAX_BODY_BYTES: "1048576" }),
    /PROXY_MAX_INFLIGHT_BYTES must be at least PROXY_MAX_BODY_BYTES \(1048576\), got 100000/,
  );
  assert.throws(
    () => loadUiConfig({ SHUTDOWN_DEADLINE_S: "5", BODY_TIMEOUT_MS: "10000" }),
    /SHUTDOWN_DEADLINE_S must be at least BODY_TIMEOUT_MS \+ UPSTREAM_TIMEOUT_MS \(20000 ms\).*got 5/,
  );
});

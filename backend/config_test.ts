import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";
import { DEFAULT_MODEL_CONFIG } from "./detector/model_config.ts";

Deno.test("loadConfig() applies the workshop defaults", () => {
  const c = loadConfig({}, "my-host");
  assert.equal(c.port, 8000);
  assert.equal(c.host, "0.0.0.0");
  assert.equal(c.workers, 1);
  assert.deepEqual(c.model, {
    contamination: 0.05,
    nEstimators: 200,
    sampleSize: 256,
    seed: 42,
    trainingSize: DEFAULT_MODEL_CONFIG.trainingSize,
  });
  assert.equal(c.podName, "my-host");
  assert.equal(c.maxBatch, 5000);
  assert.equal(c.maxBodyBytes, 1_048_576);
});

Deno.test("loadConfig() reads overrides", () => {
  const c = loadConfig({
    PORT: "9000",
    WORKERS: "2",
    CONTAMINATION: "0.1",
    TRAIN_IF_MISSING: "0",
    POD_NAME: "pod-a",
  });
  assert.equal(c.port, 9000);
  assert.equal(c.workers, 2);
  assert.equal(c.model.contamination, 0.1);
  assert.equal(c.trainIfMissing, false);
  assert.equal(c.podName, "pod-a");
});

Deno.test("loadConfig() lists every invalid variable at once", () => {
  let problems: string[] = [];
  try {
    loadConfig({ PORT: "eighty", CONTAMINATION: "0.9", WORKERS: "1.5", TRAIN_IF_MISSING: "maybe" });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    problems = err.problems;
  }
  assert.deepEqual(problems, [
    'PORT must be an integer, got "eighty"',
    'WORKERS must be an integer, got "1.5"',
    'TRAIN_IF_MISSING must be 1 or 0, got "maybe"',
    'CONTAMINATION must be greater than 0 and at most 0.5, got "0.9"',
  ]);
});

Deno.test("loadConfig() rejects a model name that is a path", () => {
  assert.throws(
    () => loadConfig({ MODEL_NAME: "../etc/passwd" }),
    /MODEL_NAME must be a plain file name/,
  );
});

Deno.test("loadConfig() rejects a shutdown deadline shorter than the body timeout", () => {
  assert.throws(
    () => loadConfig({ SHUTDOWN_DEADLINE_S: "2", BODY_TIMEOUT_MS: "10000" }),
    /SHUTDOWN_DEADLINE_S must be at least BODY_TIMEOUT_MS \/ 1000, so an upload in flight can finish on shutdown, got 2 s < 10000 ms/,
  );
  assert.equal(
    loadConfig({ SHUTDOWN_DEADLINE_S: "2", BODY_TIMEOUT_MS: "2000" }).bodyTimeoutMs,
    2000,
  );
  assert.equal(loadConfig({ SHUTDOWN_DEADLINE_S: "10" }).shutdownDeadlineSeconds, 10);
});

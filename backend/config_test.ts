import assert from "node:assert/strict";
import { ConfigError, DEFAULTS, describeConfig, loadConfig, RANGES } from "./config.ts";
import { describeRange, inRange } from "../lib/ranges.ts";
import { DEFAULT_MODEL_CONFIG } from "./detector/mod.ts";

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

Deno.test("loadConfig() reads the model lifecycle settings with their defaults", () => {
  const d = loadConfig({});
  assert.deepEqual(d.adminTokens, []);
  assert.equal(d.modelPollSeconds, 5);
  assert.equal(d.modelRetention, 10);
  assert.equal(d.shadowRate, 1);
  assert.equal(d.driftWindow, 5000);
  const c = loadConfig({
    ADMIN_TOKEN: "0123456789abcdef",
    MODEL_POLL_S: "0.5",
    MODEL_RETENTION: "3",
    SHADOW_RATE: "0.25",
    SHADOW_QUEUE: "100",
    DRIFT_WINDOW: "1000",
  });
  assert.deepEqual(c.adminTokens, [{ name: "admin", token: "0123456789abcdef" }]);
  assert.equal(c.modelPollSeconds, 0.5);
  assert.equal(c.modelRetention, 3);
  assert.equal(c.shadowRate, 0.25);
  assert.equal(c.shadowQueue, 100);
  assert.equal(c.driftWindow, 1000);
});

Deno.test("loadConfig() rejects a short or spaced ADMIN_TOKEN without echoing it", () => {
  for (const token of ["short-token", "has a space in it ok"]) {
    try {
      loadConfig({ ADMIN_TOKEN: token });
      assert.fail("accepted");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.problems[0], /^ADMIN_TOKEN must/);
      assert.ok(!err.message.includes(token), "the token is not in the message");
    }
  }
  assert.throws(
    () => loadConfig({ SHADOW_RATE: "1.5" }),
    /SHADOW_RATE must be between 0 and 1, got "1.5"/,
  );
  assert.throws(
    () => loadConfig({ MODEL_RETENTION: "0" }),
    /MODEL_RETENTION must be an integer from 1 to 1000, got "0"/,
  );
});

Deno.test("describeConfig() never shows the admin token", () => {
  const described = describeConfig(loadConfig({ ADMIN_TOKEN: "0123456789abcdef-secret" }));
  assert.deepEqual(described.adminTokens, ["admin"]);
  assert.ok(!JSON.stringify(described).includes("secret"));
});

Deno.test("loadConfig() splits MAX_BODY_BYTES_IN_FLIGHT over the workers and needs room for one body each", () => {
  const c = loadConfig({ WORKERS: "2", MAX_BODY_BYTES_IN_FLIGHT: "8388608" });
  assert.equal(c.bodyBytesInFlightPerWorker, 4_194_304);
  assert.equal(loadConfig({}).bodyBytesInFlightPerWorker, 16_777_216);
  assert.throws(
    () =>
      loadConfig({ WORKERS: "4", MAX_BODY_BYTES: "1048576", MAX_BODY_BYTES_IN_FLIGHT: "2097152" }),
    /MAX_BODY_BYTES_IN_FLIGHT must be at least MAX_BODY_BYTES x WORKERS, so every worker can take one body of the largest size, got 2097152 < 1048576 x 4/,
  );
});

Deno.test("RANGES holds every default, and loadConfig() rejects a value above each range in its words", () => {
  for (const [name, range] of Object.entries(RANGES)) {
    const fallback = DEFAULTS[name as keyof typeof RANGES];
    assert.ok(inRange(range, fallback), `${name} default ${fallback} is ${describeRange(range)}`);
    const beyond = { [name]: String(range.max! + 1) };
    assert.throws(() => loadConfig(beyond), {
      message: new RegExp(`${name} must be ${describeRange(range).replace(/[()]/g, "\\$&")}`),
    });
  }
});

Deno.test("loadConfig() reads named admin tokens from ADMIN_TOKENS beside ADMIN_TOKEN", () => {
  const c = loadConfig({
    ADMIN_TOKEN: "0123456789abcdef",
    ADMIN_TOKENS: "alice:alice-0123456789abcdef, ci-bot:ci-0123456789abcdef0",
  });
  assert.deepEqual(c.adminTokens, [
    { name: "admin", token: "0123456789abcdef" },
    { name: "alice", token: "alice-0123456789abcdef" },
    { name: "ci-bot", token: "ci-0123456789abcdef0" },
  ]);
  assert.deepEqual(describeConfig(c).adminTokens, ["admin", "alice", "ci-bot"]);
});

Deno.test("loadConfig() rejects bad ADMIN_TOKENS entries without echoing a token", () => {
  const cases: [string, RegExp][] = [
    ["alice", /ADMIN_TOKENS must be name:token/],
    ["bad name:0123456789abcdef", /got an entry named "bad name"/],
    ["alice:short-secret", /at least 16 characters, got 12 for "alice"/],
    ["a:0123456789abcdef,a:fedcba9876543210", /names "a" twice/],
    ["a:0123456789abcdef,b:0123456789abcdef", /gives "b" a token another name has/],
  ];
  for (const [value, message] of cases) {
    try {
      loadConfig({ ADMIN_TOKENS: value });
      assert.fail(`accepted ${value}`);
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.problems.join("\n"), message);
      assert.ok(!err.message.includes("0123456789abcdef"), "no token in the message");
      assert.ok(!err.message.includes("short-secret"));
    }
  }
});

Deno.test("loadConfig() reads DETECTOR, whose artifact name is the default MODEL_NAME", () => {
  assert.equal(loadConfig({}).detector, "isolation_forest");
  assert.equal(loadConfig({}).modelName, "isolation_forest.json");
  const temporal = loadConfig({ DETECTOR: "temporal_window" });
  assert.equal(temporal.detector, "temporal_window");
  assert.equal(temporal.modelName, "temporal_window.json");
  assert.equal(
    loadConfig({ DETECTOR: "temporal_window", MODEL_NAME: "t.json" }).modelName,
    "t.json",
  );
  assert.throws(() => loadConfig({ DETECTOR: "forest" }), (err: Error) => {
    assert.match(
      err.message,
      /DETECTOR must be one of isolation_forest, temporal_window, got "forest"/,
    );
    return true;
  });
});

Deno.test("loadConfig() runs no probe listener unless PROBE_PORT is set, and refuses a bad or shared one", () => {
  assert.equal(loadConfig({}).probePort, null);
  assert.equal(loadConfig({ PROBE_PORT: "8081" }).probePort, 8081);
  assert.equal(loadConfig({ PORT: "0", PROBE_PORT: "0" }).probePort, 0);
  assert.throws(() => loadConfig({ PROBE_PORT: "probes" }), /PROBE_PORT must be an integer/);
  assert.throws(
    () => loadConfig({ PORT: "8000", PROBE_PORT: "8000" }),
    /PROBE_PORT must differ from PORT, got 8000 for both/,
  );
});

import assert from "node:assert/strict";
import { loadStreamConfig } from "./stream_config.ts";
import { TOPICS } from "./topics.ts";

Deno.test("loadStreamConfig() needs KAFKA_BOOTSTRAP and defaults the rest", () => {
  const config = loadStreamConfig({ KAFKA_BOOTSTRAP: "kafka:9092" });
  assert.equal(config.bootstrap, "kafka:9092");
  assert.equal(config.groupId, "anomaly-stream");
  assert.deepEqual(config.topics, {
    readings: TOPICS.readings,
    anomalies: TOPICS.anomalies,
    deadLetters: TOPICS.deadLetters,
    changelog: TOPICS.changelog,
  });
  assert.equal(config.maxBatch, 2000);
  assert.equal(config.windowTtlS, 3600);
  assert.equal(
    loadStreamConfig({ KAFKA_BOOTSTRAP: "k:1", STREAM_WINDOW_TTL_S: "0" }).windowTtlS,
    0,
  );
  assert.equal(
    loadStreamConfig({ KAFKA_BOOTSTRAP: "k:1", STREAM_SCORES_TOPIC: "s" }).topics.scores,
    "s",
  );
});

Deno.test("loadStreamConfig() names every bad variable", () => {
  assert.throws(
    () =>
      loadStreamConfig({
        STREAM_MAX_BATCH: "0",
        STREAM_METRICS_PORT: "70000",
        STREAM_WINDOW_TTL_S: "1.5",
      }),
    (err: Error) =>
      err instanceof RangeError && /KAFKA_BOOTSTRAP must be host:port, got ""/.test(err.message) &&
      /STREAM_MAX_BATCH must be an integer from 1 to 100000, got "0"/.test(err.message) &&
      /STREAM_METRICS_PORT/.test(err.message) &&
      /STREAM_WINDOW_TTL_S must be an integer from 0 to 2592000, got "1.5"/.test(err.message),
  );
});

import assert from "node:assert/strict";
import { DEFAULT_TOPIC_SETTINGS, TOPICS, topicSettings, topicSpecs } from "./topics.ts";

Deno.test("topicSettings() reads partitions and retention, with the documented defaults", () => {
  assert.deepEqual(topicSettings({}), DEFAULT_TOPIC_SETTINGS);
  const s = topicSettings({ STREAM_PARTITIONS: "3", READINGS_RETENTION_H: "2" });
  assert.equal(s.partitions, 3);
  assert.equal(s.readingsRetentionMs, 2 * 3_600_000);
  assert.throws(
    () => topicSettings({ STREAM_PARTITIONS: "0" }),
    /STREAM_PARTITIONS must be a positive integer, got "0"/,
  );
  assert.throws(() => topicSettings({ OUTPUT_RETENTION_H: "1.5" }), RangeError);
});

Deno.test("topicSpecs() co-partitions the changelog with the readings and compacts it", () => {
  const specs = topicSpecs({ ...DEFAULT_TOPIC_SETTINGS, partitions: 5 });
  const by = new Map(specs.map((s) => [s.name, s]));
  assert.equal(by.get(TOPICS.readings)!.partitions, 5);
  assert.equal(by.get(TOPICS.changelog)!.partitions, 5);
  assert.equal(by.get(TOPICS.changelog)!.configs["cleanup.policy"], "compact");
  assert.equal(by.get(TOPICS.anomalies)!.configs["cleanup.policy"], "delete");
  assert.equal(specs.length, 4);
  assert.equal(topicSpecs(DEFAULT_TOPIC_SETTINGS, { ...TOPICS, scores: "s" }).length, 5);
});

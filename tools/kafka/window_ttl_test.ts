/**
 * The stream scorer's memory follows the meters that report: a meter silent
 * for longer than STREAM_WINDOW_TTL_S (event time, against its partition's
 * newest reading) loses its window, and a tombstone in the changelog keeps the
 * next owner from restoring it; a window whose tombstone was never written (its
 * scorer died first) is restored and dropped by the next owner. A real broker
 * and scorers in turn; needs the Kafka jars (`bash .ci/setup.d/70-kafka.sh`),
 * skips elsewhere with one line.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { ProduceAcks, Producer } from "@platformatic/kafka";
import { createLogger } from "../../lib/logger.ts";
import { waitFor } from "../../testing/poll.ts";
import { startBroker } from "./broker.ts";
import { skipWithoutKafka, smallTemporalDetector } from "./tests/kafka_suite.ts";
import { ensureTopics } from "../../backend/stream/create_topics.ts";
import { DEFAULT_TOPIC_SETTINGS } from "../../backend/stream/topics.ts";
import { StreamScorer } from "../../backend/stream/stream_scorer.ts";
import { createStreamMetrics } from "../../backend/stream/stream_metrics.ts";

/**
 * A broker, topics named after `prefix`, a producer that sends one steady reading of a meter at
 * a second of event time (every meter in partition 0: staleness is judged against the
 * partition's newest reading), and scorers with a given window TTL in one consumer group.
 */
async function ttlRig(prefix: string) {
  const logger = createLogger({ service: "window-ttl-test" }, { level: "warn" });
  const broker = await startBroker({ logger, heap: "256m" });
  const names = {
    readings: `${prefix}.readings`,
    anomalies: `${prefix}.anomalies`,
    deadLetters: `${prefix}.dlq`,
    changelog: `${prefix}.windows`,
  };
  const detector = smallTemporalDetector(2, 300);
  const producer = new Producer({
    clientId: "ttl-test",
    bootstrapBrokers: [broker.bootstrap],
    acks: ProduceAcks.ALL,
  });
  const t0 = Date.parse("2026-01-05T00:00:00Z");
  const send = (meter: string, seconds: number) =>
    producer.send({
      messages: [{
        topic: names.readings,
        partition: 0,
        key: Buffer.from(meter),
        value: Buffer.from(JSON.stringify({
          meter_id: meter,
          timestamp: new Date(t0 + seconds * 1000).toISOString(),
          voltage: 230,
          current: 10,
          frequency: 50,
        })),
      }],
    });
  const metrics = createStreamMetrics();
  const scorerOf = (windowTtlMs: number) =>
    new StreamScorer({
      bootstrap: broker.bootstrap,
      groupId: `${prefix}-test`,
      topics: names,
      detector: () => detector,
      metrics,
      logger,
      windowTtlMs,
      sweepIntervalMs: 0,
    });
  const scored = (scorer: StreamScorer, n: number) =>
    waitFor(() => scorer.counts.scored >= n ? true : undefined, {
      timeoutMs: 60_000,
      what: `${n} readings scored`,
    });
  return { broker, names, producer, send, metrics, scorerOf, scored };
}

Deno.test({
  name: "a meter silent past the window TTL is dropped, and its tombstone outlives the scorer",
  ignore: skipWithoutKafka(),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { broker, producer, send, metrics, scorerOf, scored, names } = await ttlRig("ttl");
    let first: StreamScorer | null = null;
    let second: StreamScorer | null = null;
    try {
      await ensureTopics(broker.bootstrap, DEFAULT_TOPIC_SETTINGS, names);
      first = scorerOf(60_000);
      await first.start();
      await send("meter-quiet", 0);
      await send("meter-busy", 0);
      await scored(first, 2);
      assert.equal(first.windowCount, 2);
      assert.equal(first.counts.evicted, 0);

      // meter-busy reports 61 s later: meter-quiet is now past the 60 s TTL.
      await send("meter-busy", 61);
      await scored(first, 3);
      assert.equal(first.counts.evicted, 1);
      assert.equal(first.windowCount, 1);
      const text = await metrics.registry.metrics();
      assert.match(text, /^stream_meter_windows 1$/m);
      assert.match(text, /^stream_windows_evicted_total 1$/m);
      await first.stop(); // waits for the changelog write and the commit
      first = null;

      // The next owner keeps every window it restores (TTL off): only the tombstone can have
      // removed meter-quiet's.
      second = scorerOf(0);
      await second.start();
      await send("meter-busy", 62);
      await scored(second, 1);
      assert.equal(second.windowCount, 1);
      assert.equal(second.counts.deadLetters, 0);
      assert.equal(second.counts.duplicatesSkipped, 0);
    } finally {
      await first?.stop();
      await second?.stop();
      await producer.close().catch(() => {});
      await broker.stop();
    }
  },
});

Deno.test({
  name: "a window expired by a scorer that died before its tombstone is dropped by the next owner",
  ignore: skipWithoutKafka(),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { broker, producer, send, scorerOf, scored, names } = await ttlRig("ttl2");
    const scorers: StreamScorer[] = [];
    try {
      await ensureTopics(broker.bootstrap, DEFAULT_TOPIC_SETTINGS, names);
      // What a scorer killed between dropping meter-quiet's window (on meter-busy's reading at
      // 61 s) and writing its tombstone leaves behind: both windows in the changelog, committed
      // up to meter-busy's reading at 0 s, and the reading at 61 s not committed.
      const first = scorerOf(0);
      scorers.push(first);
      await first.start();
      await send("meter-quiet", 0);
      await send("meter-busy", 0);
      await scored(first, 2);
      await first.stop();
      await send("meter-busy", 61);

      // The next owner restores both windows, scores the reading at 61 s, and its next sweep
      // drops meter-quiet's window and writes the tombstone the killed scorer did not.
      const second = scorerOf(60_000);
      scorers.push(second);
      await second.start();
      await scored(second, 1);
      assert.equal(second.counts.evicted, 1);
      assert.equal(second.windowCount, 1);
      assert.equal(second.counts.deadLetters, 0);
      await second.stop();

      // A third owner keeping every window it restores (TTL off) finds only meter-busy's.
      const third = scorerOf(0);
      scorers.push(third);
      await third.start();
      await send("meter-busy", 62);
      await scored(third, 1);
      assert.equal(third.windowCount, 1);
      assert.equal(third.counts.deadLetters, 0);
      assert.equal(third.counts.duplicatesSkipped, 0);
    } finally {
      for (const s of scorers) await s.stop().catch(() => {});
      await producer.close().catch(() => {});
      await broker.stop();
    }
  },
});

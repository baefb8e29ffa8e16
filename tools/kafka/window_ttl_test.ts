/**
 * The stream scorer's memory follows the meters that report: a meter silent
 * for longer than STREAM_WINDOW_TTL_S (event time, against its partition's
 * newest reading) loses its window, and a tombstone in the changelog keeps the
 * next owner from restoring it. A real broker and two scorers in turn; needs
 * the Kafka jars (`bash .ci/setup.d/70-kafka.sh`), skips elsewhere with one line.
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

Deno.test({
  name: "a meter silent past the window TTL is dropped, and its tombstone outlives the scorer",
  ignore: skipWithoutKafka(),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const logger = createLogger({ service: "window-ttl-test" }, { level: "warn" });
    const broker = await startBroker({ logger, heap: "256m" });
    const names = {
      readings: "ttl.readings",
      anomalies: "ttl.anomalies",
      deadLetters: "ttl.dlq",
      changelog: "ttl.windows",
    };
    const detector = smallTemporalDetector(2, 300);
    const producer = new Producer({
      clientId: "ttl-test",
      bootstrapBrokers: [broker.bootstrap],
      acks: ProduceAcks.ALL,
    });
    const t0 = Date.parse("2026-01-05T00:00:00Z");
    // Both meters in partition 0: staleness is judged against the partition's newest reading.
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
        groupId: "ttl-test",
        topics: names,
        detector: () => detector,
        metrics,
        logger,
        windowTtlMs,
        sweepIntervalMs: 0,
      });
    const scored = (s: StreamScorer, n: number) =>
      waitFor(() => s.counts.scored >= n ? true : undefined, {
        timeoutMs: 60_000,
        what: `${n} readings scored`,
      });
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

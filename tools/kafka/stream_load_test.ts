/**
 * `deno task load --kafka` against a real broker and a real stream scorer (in
 * this process): the readings go through Kafka, the scorer and back, and the
 * report times every anomaly record and samples the group's lag. Needs the
 * Kafka jars (`bash .ci/setup.d/70-kafka.sh`); CI has them, elsewhere the suite
 * skips with one line.
 */
import assert from "node:assert/strict";
import { createLogger } from "../../lib/logger.ts";
import { startBroker } from "./broker.ts";
import { skipWithoutKafka, smallTemporalDetector } from "./tests/kafka_suite.ts";
import { ensureTopics } from "../../backend/stream/create_topics.ts";
import { DEFAULT_TOPIC_SETTINGS } from "../../backend/stream/topics.ts";
import { StreamScorer } from "../../backend/stream/stream_scorer.ts";
import { createStreamMetrics } from "../../backend/stream/stream_metrics.ts";
import { formatStreamReport, runStreamLoad, type StreamLoadOptions } from "./stream_load.ts";

Deno.test({
  name: "runStreamLoad() times every anomaly record of its readings and samples the group's lag",
  ignore: skipWithoutKafka(),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const logger = createLogger({ service: "stream-load-test" }, { level: "warn" });
    const broker = await startBroker({ logger, heap: "256m" });
    const names = {
      readings: "load.readings",
      anomalies: "load.anomalies",
      deadLetters: "load.dlq",
      changelog: "load.windows",
    };
    const detector = smallTemporalDetector(4, 400);
    let scorer: StreamScorer | null = null;
    try {
      await ensureTopics(broker.bootstrap, DEFAULT_TOPIC_SETTINGS, names);
      scorer = new StreamScorer({
        bootstrap: broker.bootstrap,
        groupId: "load-test",
        topics: names,
        detector: () => detector,
        metrics: createStreamMetrics(),
        logger,
      });
      await scorer.start();
      const options: StreamLoadOptions = {
        bootstrap: broker.bootstrap,
        readingsTopic: names.readings,
        anomaliesTopic: names.anomalies,
        group: "load-test",
        rate: 1000,
        duration: 2,
        meters: 20,
        seed: 3,
        drainTimeout: 120,
        lagEveryMs: 100,
      };
      const first = await runStreamLoad(options);
      // Bounded by --duration: on a busy machine the last request may miss the deadline.
      assert.ok(first.published > 1000 && first.published <= 2000, String(first.published));
      assert.equal(first.drained, true, formatStreamReport(first, options));
      assert.equal(first.final_lag, 0);
      assert.ok(first.lag_samples > 0 && first.max_lag > 0, formatStreamReport(first, options));
      assert.equal(first.anomalies_timed, scorer.counts.anomalies);
      assert.ok(first.anomalies_timed > 0);
      const l = first.latency_ms!;
      assert.ok(0 <= l.p50 && l.p50 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.max);

      // A second run against the same scorer: its readings are later than the first run's, so
      // none is dead-lettered as out of order, and only its own anomaly records are timed.
      const before = scorer.counts.anomalies;
      const second = await runStreamLoad({ ...options, duration: 1 });
      assert.equal(second.drained, true, formatStreamReport(second, options));
      assert.equal(scorer.counts.deadLetters, 0);
      assert.equal(scorer.counts.scored, first.published + second.published);
      assert.equal(second.anomalies_timed, scorer.counts.anomalies - before);
      const text = formatStreamReport(second, options);
      assert.match(text, /end-to-end latency .* p50 \d+ ms, p95 \d+ ms, p99 \d+ ms/);
      assert.match(text, /consumer lag: max [\d,]+ readings, 0 at the end/);
    } finally {
      await scorer?.stop();
      await broker.stop();
    }
  },
});

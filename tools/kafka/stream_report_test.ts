import assert from "node:assert/strict";
import {
  histogramBuckets,
  histogramDelta,
  replaceStreamSection,
  SECTION_END,
  SECTION_START,
  type StreamReport,
  streamSection,
} from "./stream_report.ts";

const report: StreamReport = {
  published: 100007,
  valid_readings: 100000,
  bad_records: 7,
  scored: 100000,
  lost: 0,
  duplicates: 2,
  duplicate_scores: 5,
  anomalies_uninterrupted: 900,
  anomalies_with_kill: 900,
  anomaly_records_equal: true,
  scores_equal_after_rebalance: false,
  http_stream_scores_equal: true,
  http_readings_compared: 5000,
  dead_letters_uninterrupted: 7,
  dead_letters_with_kill: 7,
  killed_after_scored: 10455,
  restore_ms: [30, 10, 20],
  consumer_readings_per_s: 12000,
  perf_test_readings_per_s: 24000,
  consumer_vs_perf_test: 0.5,
  e2e_rate_published_per_s: 9000,
  e2e_anomalies_timed: 800,
  e2e_p50_ms: 40,
  e2e_p99_ms_at_10k: 120,
  e2e_warmup_s: 3,
  e2e_warmup_p99_ms: 300,
  e2e_acked_within_50ms: 0.9912,
  e2e_stage_p99_ms: { fetch: 25, queue: 5, outputs_ack: null },
  e2e_publish_ack_p99_ms: 12,
  seconds: 200,
};

Deno.test("streamSection() shows every figure and marks a failed check", () => {
  const text = streamSection(report, { when: "2026-12-07T03:00Z", load: 2.5, cores: 2 });
  assert.match(text, /load average 2\.5/);
  assert.match(text, /\| 100000, lost 0 \|/);
  assert.match(text, /every score equal after the rebalance \| \*\*no\*\* \|/);
  assert.match(text, /median 20 ms, max 30 ms/);
  assert.match(text, /after 3 s at the rate .*\| 40 \/ 120 ms \|/);
  assert.match(text, /first 3 s .*\| 300 ms \|/);
  assert.match(text, /within 50 ms .*\| 99\.12 % \|/);
  assert.match(text, /built → acknowledged, p99 \| 12 ms \|/);
  assert.match(text, /sent → acknowledged \| 25 \/ 5 \/ - ms \|/);
  assert.match(text, /\| duplicates \(anomaly records \/ scores\) \| 2 \/ 5 \|/);
});

Deno.test("replaceStreamSection() replaces its own section and leaves the rest", () => {
  const doc = `# Performance\n\nintro\n\n${SECTION_START}\nold\n${SECTION_END}\n\n## After\n`;
  const next = replaceStreamSection(doc, "new");
  assert.equal(
    next,
    `# Performance\n\nintro\n\n${SECTION_START}\n\nnew\n\n${SECTION_END}\n\n## After\n`,
  );
  assert.equal(
    replaceStreamSection("# P\n", "x"),
    `# P\n\n${SECTION_START}\n\nx\n\n${SECTION_END}\n`,
  );
});

Deno.test("histogramDelta() gives the share within a bound and p99's bucket between two scrapes", () => {
  const scrape = (fast: number, slow: number) =>
    [
      `# TYPE stream_stage_seconds histogram`,
      `stream_stage_seconds_bucket{le="0.05",stage="fetch"} ${fast}`,
      `stream_stage_seconds_bucket{le="0.1",stage="fetch"} ${fast + slow}`,
      `stream_stage_seconds_bucket{le="+Inf",stage="fetch"} ${fast + slow}`,
      `stream_stage_seconds_bucket{le="0.05",stage="queue"} 1`,
      `stream_e2e_latency_seconds_bucket{le="0.05"} 7`,
    ].join("\n");
  const before = histogramBuckets(scrape(100, 50), "stream_stage_seconds", "fetch");
  assert.deepEqual([...before], [[0.05, 100], [0.1, 150], [Infinity, 150]]);
  assert.deepEqual([...histogramBuckets(scrape(1, 1), "stream_e2e_latency_seconds")], [[0.05, 7]]);
  // Since `before`: 990 within 50 ms, 10 slower: p99 is in the 50 ms bucket; 989: in 100 ms.
  const after = histogramBuckets(scrape(1090, 60), "stream_stage_seconds", "fetch");
  assert.deepEqual(histogramDelta(before, after, 0.05, 0.99), { share: 0.99, quantileMs: 50 });
  const later = histogramBuckets(scrape(1089, 61), "stream_stage_seconds", "fetch");
  assert.equal(histogramDelta(before, later, 0.05, 0.99).quantileMs, 100);
  assert.deepEqual(histogramDelta(after, after, 0.05, 0.99), { share: null, quantileMs: null });
});

import assert from "node:assert/strict";
import {
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
  seconds: 200,
};

Deno.test("streamSection() shows every figure and marks a failed check", () => {
  const text = streamSection(report, { when: "2026-12-07T03:00Z", load: 2.5, cores: 2 });
  assert.match(text, /load average 2\.5/);
  assert.match(text, /\| 100000, lost 0 \|/);
  assert.match(text, /every score equal after the rebalance \| \*\*no\*\* \|/);
  assert.match(text, /median 20 ms, max 30 ms/);
  assert.match(text, /\| 40 \/ 120 ms \|/);
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

import assert from "node:assert/strict";
import { formatProgress, formatReport } from "./load_report.ts";
import type { LoadProgress, LoadReport } from "./load_runner.ts";
import { parseLoadArgs } from "./load_args.ts";

function report(overrides: Partial<LoadReport> = {}): LoadReport {
  return {
    // The guide's run: deno task load --rps 150 --duration 120 --no-keepalive.
    config: parseLoadArgs(["--rps", "150", "--duration", "120", "--no-keepalive"])!,
    elapsed_s: 120.4,
    scheduled: 18_000,
    sent: 17_910,
    dropped: 90,
    late: 3,
    ok: 17_900,
    errors: 10,
    by_status: { "503": 7, "200": 17_900, "timeout": 3 },
    error_samples: ["request timed out after 10 s"],
    offered_rps: 150,
    sent_rps: 149.3,
    achieved_rps: 148.7,
    latency_ms: { avg: 21.5, p50: 18, p95: 44, p99: 80.2, max: 310 },
    max_send_lag_ms: 12,
    served_by: { "pod-a:1": 5_000, "pod-b:1": 12_900 },
    readings: 1_145_600,
    anomalies: 57_280,
    ...overrides,
  };
}

Deno.test("formatReport() shows the target, the outcome shares and every status in order", () => {
  const lines = formatReport(report()).split("\n");
  assert.equal(
    lines[0],
    "target            http://localhost:8000/predict  batch 64  workers 32  keep-alive off",
  );
  assert.match(lines[1], /^requests: +scheduled 18000 {2}sent 17910 {2}dropped 90 \(0\.5%\)/);
  assert.match(lines[1], /late 3 {2}\(max send lag 12 ms\)$/);
  assert.match(lines[2], /^outcome: +ok 17900 {2}errors 10 \(0\.1%\)$/);
  assert.match(lines[3], /^by status: +200=17900 {2}503=7 {2}timeout=3$/);
  assert.match(
    lines[4],
    /offered 150\/s {2}sent 149\.3\/s {2}achieved 148\.7 ok\/s {2}over 120\.4 s$/,
  );
  assert.match(
    lines[5],
    /^latency \(ms\): +avg 21\.5 {2}p50 18 {2}p95 44 {2}p99 80\.2 {2}max 310$/,
  );
  assert.match(lines[6], /^readings: +1145600 scored, 57280 flagged \(5\.0%\)$/);
  // Every label column is the same width, so the values line up.
  for (const line of lines.slice(1, 8)) assert.match(line, /^[a-z ()]+: {1,}\S/, line);
  assert.ok(lines.slice(1, 8).every((l) => /^.{17} \S/.test(l)), "values start in column 19");
});

Deno.test("formatReport() lists instances by share, busiest first, then the error samples", () => {
  const lines = formatReport(report()).split("\n");
  const at = lines.findIndex((l) => l.startsWith("served by:"));
  assert.match(lines[at], /2 instance\(s\)$/);
  assert.match(lines[at + 1], /^ {2}pod-b:1 +12900 {2}72\.1%$/);
  assert.match(lines[at + 2], /^ {2}pod-a:1 +5000 {2}27\.9%$/);
  assert.equal(lines[at + 3], "  error sample: request timed out after 10 s");
  assert.equal(lines.length, at + 4);
});

Deno.test("formatReport() says so when nothing succeeded, without dividing by zero", () => {
  const text = formatReport(report({
    sent: 0,
    ok: 0,
    errors: 0,
    dropped: 0,
    scheduled: 0,
    by_status: {},
    error_samples: [],
    latency_ms: null,
    served_by: {},
    readings: 0,
    anomalies: 0,
  }));
  assert.doesNotMatch(text, /NaN|Infinity/);
  assert.match(text, /dropped 0 \(0\.0%\)/);
  assert.match(text, /errors 0 \(0\.0%\)/);
  assert.match(text, /^by status: +-$/m);
  assert.match(text, /^latency: +- \(no successful response\)$/m);
  assert.match(text, /^served by: +0 instance\(s\)$/m);
  assert.match(text, /keep-alive off/);
  assert.match(
    formatReport(report({ config: { ...report().config, keepalive: true } })),
    /keep-alive on/,
  );
});

Deno.test("formatProgress() is one line of fixed-width figures", () => {
  const progress: LoadProgress = {
    elapsed_s: 7.25,
    duration_s: 120,
    sent: 1_088,
    ok: 1_080,
    errors: 2,
    dropped: 6,
    late: 0,
    in_flight: 5,
    rate: 149.96,
    p99_ms: 41.04,
    instances: 3,
  };
  const line = formatProgress(progress);
  assert.equal(
    line,
    "[   7.3s/120s] sent 1088 ok 1080 err 2 dropped 6 late 0 in-flight 5 150.0 ok/s p99 41.0 ms instances 3",
  );
  assert.ok(!line.includes("\n"));
  const later = formatProgress({ ...progress, elapsed_s: 100 });
  assert.ok(later.startsWith("[ 100.0s/120s]"), "the elapsed time keeps its width");
});

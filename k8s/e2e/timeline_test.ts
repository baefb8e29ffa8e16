import assert from "node:assert/strict";
import {
  type K6Summary,
  loadTotals,
  loadWindows,
  scaleFigures,
  type ScaleSample,
} from "./timeline.ts";

const s = (t: number, spec: number, ready: number): ScaleSample => ({ t, spec, ready, cpu: null });

Deno.test("scaleFigures() finds scale-out, first ready, max and scale-in times", () => {
  const samples = [
    s(-4, 1, 1),
    s(0, 1, 1),
    s(16, 3, 1),
    s(22, 3, 3),
    s(48, 5, 3),
    s(54, 5, 5),
    s(120, 5, 5),
    s(150, 5, 5),
    s(160, 1, 5),
    s(170, 1, 1),
    s(172, 1, 1),
  ];
  assert.deepEqual(scaleFigures(samples, 1, 120), {
    min_replicas: 1,
    max_replicas: 5,
    scale_out_s: 16,
    first_ready_s: 22,
    max_s: 54,
    scale_in_s: 40,
    scale_in_ready_s: 50,
  });
});

Deno.test("scaleFigures() reports null when the HPA never scaled or never came back", () => {
  const flat = scaleFigures([s(0, 1, 1), s(10, 1, 1)], 1, 5);
  assert.equal(flat.scale_out_s, null);
  assert.equal(flat.first_ready_s, null);
  assert.equal(flat.max_replicas, 1);
  const stuck = scaleFigures([s(0, 1, 1), s(10, 4, 4), s(30, 4, 4)], 1, 20);
  assert.equal(stuck.scale_in_s, null);
  assert.equal(stuck.scale_in_ready_s, null);
});

Deno.test("scaleFigures() takes the last return to the minimum after a relapse", () => {
  const samples = [s(0, 1, 1), s(10, 3, 3), s(30, 1, 1), s(40, 2, 2), s(60, 1, 1)];
  assert.equal(scaleFigures(samples, 1, 20).scale_in_s, 40);
});

const summary: K6Summary = {
  metrics: {
    "window_ok{w:0}": { count: 100, rate: 20 },
    "window_failed{w:0}": { count: 0, rate: 0 },
    "window_latency{w:0}": { "p(99)": 12.345, avg: 5 },
    "window_ok{w:1}": { count: 90, rate: 18 },
    "window_failed{w:1}": { count: 2, rate: 0.4 },
    "window_latency{w:1}": { "p(99)": 250.04 },
    "window_ok{w:2}": { count: 0 },
    "window_failed{w:2}": { count: 0 },
    "window_latency{w:2}": { "p(99)": 0 },
    dropped_iterations: { count: 8, rate: 0.1 },
    "http_req_duration{endpoint:predict}": { med: 4.44, "p(95)": 90.06, "p(99)": 240.2 },
    vus_max: { value: 57, min: 50, max: 57 },
  },
};

Deno.test("loadWindows() turns per-window sub-metrics into a timeline, skipping empty windows", () => {
  assert.deepEqual(loadWindows(summary, 5), [
    { t: 0, ok: 100, failed: 0, p99_ms: 12.3 },
    { t: 5, ok: 90, failed: 2, p99_ms: 250 },
  ]);
});

Deno.test("loadTotals() sums the windows and counts dropped arrivals against the schedule", () => {
  assert.deepEqual(loadTotals(summary), {
    scheduled: 200,
    ok: 190,
    failed: 2,
    dropped: 8,
    dropped_pct: 4,
    p50_ms: 4.4,
    p95_ms: 90.1,
    p99_ms: 240.2,
    max_vus: 57,
  });
});

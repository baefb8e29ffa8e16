import assert from "node:assert/strict";
import { aggregateMetrics, createMetrics, methodLabel, snapshotMetrics } from "./metrics.ts";

Deno.test("aggregateMetrics() sums counters and histograms and takes the minimum of model_ready", async () => {
  const a = createMetrics();
  const b = createMetrics();
  a.requestsTotal.inc({ path: "/predict", method: "POST", status: "200" }, 3);
  b.requestsTotal.inc({ path: "/predict", method: "POST", status: "200" }, 4);
  a.requestLatency.observe({ path: "/predict", method: "POST" }, 0.002);
  b.requestLatency.observe({ path: "/predict", method: "POST" }, 0.5);
  a.modelReady.set(1);
  b.modelReady.set(0);
  const text = await aggregateMetrics([
    await snapshotMetrics(a.registry),
    await snapshotMetrics(b.registry),
  ]);
  assert.match(text, /^requests_total\{path="\/predict",method="POST",status="200"\} 7$/m);
  assert.match(text, /^request_latency_seconds_count\{path="\/predict",method="POST"\} 2$/m);
  assert.match(
    text,
    /^request_latency_seconds_bucket\{le="0.0025",path="\/predict",method="POST"\} 1$/m,
  );
  assert.match(text, /^model_ready 0$/m);
  // One process: RSS is reported once, not multiplied by the worker count.
  const rss = Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)?.[1]);
  assert.ok(rss > 0 && rss < 2 * Deno.memoryUsage().rss, `rss ${rss}`);
});

Deno.test("createMetrics() exposes the workshop's metric names", async () => {
  const text = await createMetrics().registry.metrics();
  for (
    const [name, type] of [
      ["requests_total", "counter"],
      ["request_latency_seconds", "histogram"],
      ["inference_latency_seconds", "histogram"],
      ["anomalies_total", "counter"],
    ]
  ) {
    assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, "m"));
  }
});

Deno.test("methodLabel() keeps the standard methods and folds any other token into other", () => {
  for (const m of ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]) {
    assert.equal(methodLabel(m), m);
  }
  for (const m of ["get", "PROPFIND", "X".repeat(1000), "CONNECT", "TRACE"]) {
    assert.equal(methodLabel(m), "other");
  }
});

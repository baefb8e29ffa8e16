import assert from "node:assert/strict";
import { Hono } from "hono";
import { createMetrics } from "../../metrics/metrics.ts";
import { requestMetrics } from "./request_metrics.ts";
import { timing, type TimingVariables } from "./timing.ts";

async function counts(text: Promise<string>): Promise<string[]> {
  return (await text).split("\n").filter((l) =>
    l.startsWith("requests_total{") || l.startsWith("request_latency_seconds_count{") ||
    l.startsWith("inflight_requests ")
  );
}

Deno.test("requestMetrics() counts requests under route patterns and closed method labels", async () => {
  const metrics = createMetrics();
  const app = new Hono<{ Variables: TimingVariables }>();
  app.use(requestMetrics({ metrics, routes: new Set(["/a"]) }), timing());
  app.get("/a", (c) => c.text("ok"));
  app.notFound((c) => c.text("no", 404));
  await app.request("/a");
  await app.request("/a");
  await app.request("/random/123");
  await app.request("/a", { method: "BREW" });
  assert.deepEqual(await counts(metrics.registry.metrics()), [
    'requests_total{path="/a",method="GET",status="200"} 2',
    'requests_total{path="other",method="GET",status="404"} 1',
    'requests_total{path="/a",method="other",status="404"} 1',
    'request_latency_seconds_count{path="/a",method="GET"} 2',
    'request_latency_seconds_count{path="other",method="GET"} 1',
    'request_latency_seconds_count{path="/a",method="other"} 1',
    "inflight_requests 0",
  ]);
});

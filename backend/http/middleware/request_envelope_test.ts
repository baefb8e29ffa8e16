import assert from "node:assert/strict";
import { Hono } from "hono";
import { createLogger, type Level, silentLogger } from "../../../lib/logger.ts";
import { createMetrics } from "../../metrics/metrics.ts";
import type { RequestIdVariables } from "./request_id.ts";
import { requestEnvelope } from "./request_envelope.ts";

function appWith(options: Partial<Parameters<typeof requestEnvelope>[0]> = {}) {
  const metrics = options.metrics ?? createMetrics();
  const app = new Hono<{ Variables: RequestIdVariables }>();
  app.use(requestEnvelope({ logger: silentLogger, metrics, routes: new Set(["/a"]), ...options }));
  app.get("/a", (c) => c.text(c.get("requestId")));
  app.get("/slow", async (c) => {
    await new Promise((r) => setTimeout(r, 20));
    return c.text("ok");
  });
  app.get("/s/:code", (c) => c.text("", Number(c.req.param("code")) as 200));
  app.get("/boom", () => {
    throw new Error("boom");
  });
  app.notFound((c) => c.text("no", 404));
  app.onError((_err, c) => c.text("failed", 500));
  return { app, metrics };
}

Deno.test("requestEnvelope() sets the id for handlers and returns it in X-Request-Id, also on errors", async () => {
  const { app } = appWith();
  const res = await app.request("/a", { headers: { "x-request-id": "caller-1" } });
  assert.equal(await res.text(), "caller-1");
  assert.equal(res.headers.get("x-request-id"), "caller-1");
  const failed = await app.request("/boom");
  assert.equal(failed.status, 500);
  assert.match(failed.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
});

Deno.test("requestEnvelope() writes one line per request at a level that follows the status", async () => {
  const lines: { level: Level; line: Record<string, unknown> }[] = [];
  const logger = createLogger({}, {
    level: "debug",
    sink: (line, level) => lines.push({ level, line: JSON.parse(line) }),
  });
  const { app } = appWith({ logger, routes: new Set(["/s/:code"]) });
  for (const code of [200, 404, 503, 500]) {
    await app.request(`/s/${code}`, { headers: { "x-request-id": `r${code}` } });
  }
  assert.deepEqual(lines.map((l) => [l.level, l.line.status, l.line.request_id, l.line.path]), [
    ["debug", 200, "r200", "other"],
    ["info", 404, "r404", "other"],
    ["warn", 503, "r503", "other"],
    ["error", 500, "r500", "other"],
  ]);
  for (const { line } of lines) {
    assert.equal(line.event, "request");
    assert.equal(line.method, "GET");
    assert.equal(typeof line.duration_ms, "number");
  }
  // At the default level success writes nothing.
  const quiet: string[] = [];
  const info = appWith({ logger: createLogger({}, { sink: (line) => quiet.push(line) }) });
  await info.app.request("/a");
  assert.deepEqual(quiet, []);
});

Deno.test("requestEnvelope() counts requests under route patterns and closed method labels", async () => {
  const { app, metrics } = appWith();
  await app.request("/a");
  await app.request("/a");
  await app.request("/random/123");
  await app.request("/a", { method: "BREW" });
  const lines = (await metrics.registry.metrics()).split("\n").filter((l) =>
    l.startsWith("requests_total{") || l.startsWith("request_latency_seconds_count{") ||
    l.startsWith("inflight_requests ")
  );
  assert.deepEqual(lines, [
    'requests_total{path="/a",method="GET",status="200"} 2',
    'requests_total{path="other",method="GET",status="404"} 1',
    'requests_total{path="/a",method="other",status="404"} 1',
    'request_latency_seconds_count{path="/a",method="GET"} 2',
    'request_latency_seconds_count{path="other",method="GET"} 1',
    'request_latency_seconds_count{path="/a",method="other"} 1',
    "inflight_requests 0",
  ]);
});

Deno.test("requestEnvelope() times the whole request and marks it in progress while it runs", async () => {
  const marks: string[] = [];
  let inProgress = 0;
  const { app, metrics } = appWith({
    inProgress: {
      requestStarted: () => marks.push(`start ${++inProgress}`),
      requestFinished: () => marks.push(`finish ${--inProgress}`),
    },
  });
  await app.request("/slow");
  await app.request("/boom");
  assert.deepEqual(marks, ["start 1", "finish 0", "start 1", "finish 0"]);
  const sum = (await metrics.registry.metrics()).split("\n")
    .find((l) => l.startsWith('request_latency_seconds_sum{path="other"'));
  // A lower bound only: the handler waited 20 ms, so the figure cannot be less.
  assert.ok(sum && Number(sum.split(" ")[1]) >= 0.019, sum);
});

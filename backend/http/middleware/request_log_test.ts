import assert from "node:assert/strict";
import { Hono } from "hono";
import { createLogger, type Level } from "../../../lib/logger.ts";
import { requestId, type RequestIdVariables } from "./request_id.ts";
import { requestLog } from "./request_log.ts";
import { timing, type TimingVariables } from "./timing.ts";

Deno.test("requestLog() writes one line per request at a level that follows the status", async () => {
  const lines: { level: Level; line: Record<string, unknown> }[] = [];
  const logger = createLogger({}, {
    level: "debug",
    sink: (line, level) => lines.push({ level, line: JSON.parse(line) }),
  });
  const app = new Hono<{ Variables: RequestIdVariables & TimingVariables }>();
  app.use(requestId(), requestLog({ logger, routes: new Set(["/s/:code"]) }), timing());
  app.get("/s/:code", (c) => c.text("", Number(c.req.param("code")) as 200));
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
});

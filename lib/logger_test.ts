import assert from "node:assert/strict";
import { createLogger, errorMessage, type Level } from "./logger.ts";

Deno.test("createLogger() writes one JSON line per event with base fields", () => {
  const lines: [string, Level][] = [];
  const log = createLogger({ service: "t" }, { sink: (line, level) => lines.push([line, level]) });
  log.info("started", { port: 8000 });
  log.error("failed", { error: "boom" });
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0][0]);
  assert.equal(first.event, "started");
  assert.equal(first.level, "info");
  assert.equal(first.service, "t");
  assert.equal(first.port, 8000);
  assert.ok(!Number.isNaN(Date.parse(first.time)));
  assert.equal(lines[1][1], "error");
});

Deno.test("createLogger() drops events below its level", () => {
  const lines: string[] = [];
  const log = createLogger({}, { level: "warn", sink: (line) => lines.push(line) });
  log.debug("a");
  log.info("b");
  log.warn("c");
  assert.deepEqual(lines.map((l) => JSON.parse(l).event), ["c"]);
});

Deno.test("errorMessage() gives an Error's message and any other thrown value as text", () => {
  assert.equal(errorMessage(new RangeError("Port must be an integer")), "Port must be an integer");
  assert.equal(errorMessage("disk full"), "disk full");
  assert.equal(errorMessage(42), "42");
  assert.equal(errorMessage(undefined), "undefined");
});

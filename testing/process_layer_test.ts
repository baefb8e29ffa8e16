import assert from "node:assert/strict";
import { recordingLogger, sampleValue } from "./process_layer.ts";

Deno.test("sampleValue() reads the exact series, and 0 when it is absent", () => {
  const text = [
    "# HELP readings_total Readings scored",
    'requests_total{path="/predict",method="POST",status="200"} 12',
    'requests_total{path="/predict",method="POST",status="2000"} 5',
    "readings_total 7",
    "readings_total_created 99",
  ].join("\n");
  assert.equal(sampleValue(text, 'requests_total{path="/predict",method="POST",status="200"}'), 12);
  assert.equal(sampleValue(text, "readings_total"), 7);
  assert.equal(sampleValue(text, "model_ready"), 0);
});

Deno.test("recordingLogger() keeps every line with its level and fields", () => {
  const { logger, events } = recordingLogger();
  logger.info("listening", { port: 1 });
  logger.error("worker_crashed", { worker: 0 });
  assert.deepEqual(
    events().map(({ level, event, port, worker }) => ({ level, event, port, worker })),
    [
      { level: "info", event: "listening", port: 1, worker: undefined },
      { level: "error", event: "worker_crashed", port: undefined, worker: 0 },
    ],
  );
});

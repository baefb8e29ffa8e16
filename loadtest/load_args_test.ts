import assert from "node:assert/strict";
import { parseLoadArgs } from "./load_args.ts";

Deno.test("parseLoadArgs() accepts the workshop guide's load.py command line", () => {
  const opts = parseLoadArgs([
    "--url",
    "http://localhost:8000/",
    "--rps",
    "150",
    "--duration",
    "120",
    "--batch-size",
    "64",
    "--workers",
    "32",
    "--no-keepalive",
  ]);
  assert.deepEqual(opts, {
    url: "http://localhost:8000",
    rps: 150,
    duration: 120,
    batchSize: 64,
    workers: 32,
    anomalyRate: 0.05,
    keepalive: false,
    timeout: 10,
    seed: 42,
    shift: { voltageScale: 1, currentScale: 1, frequencyOffset: 0 },
    json: false,
  });
});

Deno.test("parseLoadArgs() takes a shift for the drift exercise and rejects nonsense, naming the flag", () => {
  const opts = parseLoadArgs(["--voltage-scale", "1.02", "--frequency-offset=0.2"]);
  assert.deepEqual(opts?.shift, { voltageScale: 1.02, currentScale: 1, frequencyOffset: 0.2 });
  assert.throws(
    () => parseLoadArgs(["--voltage-scale", "2"]),
    /--voltage-scale must be between 0.5 and 1.5, got "2"/,
  );
  assert.throws(() => parseLoadArgs(["--current-scale", "x"]), /--current-scale must be/);
  assert.throws(() => parseLoadArgs(["--frequency-offset", "9"]), /--frequency-offset must be/);
});

Deno.test("parseLoadArgs() takes --flag=value, --anomaly-rate and --json", () => {
  const opts = parseLoadArgs(["--rps=2.5", "--anomaly-rate=0.2", "--json"]);
  assert.equal(opts?.rps, 2.5);
  assert.equal(opts?.anomalyRate, 0.2);
  assert.equal(opts?.json, true);
  assert.equal(opts?.keepalive, true);
});

Deno.test("parseLoadArgs() returns null for --help", () => {
  assert.equal(parseLoadArgs(["-h"]), null);
});

Deno.test("parseLoadArgs() names the flag and the value it rejects", () => {
  assert.throws(() => parseLoadArgs(["--rps", "0"]), {
    name: "RangeError",
    message: '--rps must be a positive number, got "0"',
  });
  assert.throws(() => parseLoadArgs(["--batch-size", "1.5"]), { message: /--batch-size .*"1.5"/ });
  assert.throws(() => parseLoadArgs(["--anomaly-rate", "2"]), { message: /between 0 and 1/ });
  assert.throws(() => parseLoadArgs(["--url", "ftp://x"]), { message: /--url must be an http/ });
  assert.throws(() => parseLoadArgs(["--workerz", "3"]), { name: "TypeError" });
});

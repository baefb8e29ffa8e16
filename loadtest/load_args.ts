/**
 * Command-line flags of `deno task load`: the workshop's `scripts/load.py`
 * flags, so the guide's commands carry over unchanged, plus `--json`.
 */
import { parseArgs } from "node:util";
import { describeRange, inRange, type Range } from "../lib/ranges.ts";
import { type Shift, SHIFT_PARAMS } from "../lib/simulator/shift.ts";

/** Parsed and validated `deno task load` options. */
export interface LoadOptions {
  /** Base URL of the backend; requests go to `${url}/predict`. */
  url: string;
  /** Offered arrival rate in requests per second (open loop). */
  rps: number;
  /** How long to offer load, in seconds. */
  duration: number;
  /** Readings per request. */
  batchSize: number;
  /** Maximum requests in flight; an arrival finding all of them busy is dropped and counted. */
  workers: number;
  /** Fraction of simulated readings that are injected anomalies. */
  anomalyRate: number;
  /** Open a new TCP connection for every request instead of reusing idle ones. */
  keepalive: boolean;
  /** Per-request timeout in seconds. */
  timeout: number;
  /** Simulator seed for the request bodies. */
  seed: number;
  /** Drift on purpose: scale voltage or current, offset frequency (`lib/simulator/shift.ts`). */
  shift: Shift;
  /** Print the final report as JSON on stdout. */
  json: boolean;
}

/** Usage text printed by `--help` and on a flag error. */
export const USAGE = `Usage: deno task load [flags]

Open-loop load generator for POST /predict (arrivals follow the schedule
whether or not the server keeps up; late and dropped sends are counted).

  --url URL            backend base URL (default http://localhost:8000)
  --rps N              offered requests per second (default 50)
  --duration S         seconds of load (default 30)
  --batch-size N       readings per request (default 64)
  --workers N          max requests in flight; arrivals beyond are dropped (default 32)
  --anomaly-rate X     fraction of injected anomalies, 0..1 (default 0.05)
  --no-keepalive       new TCP connection per request
  --timeout S          per-request timeout in seconds (default 10)
  --seed N             simulator seed (default 42)
  --voltage-scale X    multiply every voltage, ${
  describeRange(SHIFT_PARAMS.voltage_scale.range)
} (default 1)
  --current-scale X    multiply every current, ${
  describeRange(SHIFT_PARAMS.current_scale.range)
} (default 1)
  --frequency-offset X add to every frequency in Hz, ${
  describeRange(SHIFT_PARAMS.frequency_offset.range)
} (default 0)
  --json               print the final report as JSON
  -h, --help           show this help
  --kafka              load the Kafka streaming path instead (--kafka --help)

Example (the workshop's step 5):
  deno task load --url http://localhost:8000 --rps 150 --duration 120 --batch-size 64 --workers 32 --no-keepalive
Drifted traffic (the drift exercise):
  deno task load --url http://localhost:8000 --rps 20 --duration 60 --voltage-scale 1.02`;

function num(flag: string, raw: string, range: Range): number {
  const n = raw.trim() === "" ? NaN : Number(raw);
  if (!inRange(range, n)) {
    throw new RangeError(`--${flag} must be ${describeRange(range)}, got "${raw}"`);
  }
  return n;
}

/**
 * Parse `deno task load` flags. Returns null for `--help`; throws TypeError on
 * an unknown flag and RangeError on a bad value, with a message naming the flag.
 */
export function parseLoadArgs(args: string[]): LoadOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: "string", default: "http://localhost:8000" },
        rps: { type: "string", default: "50" },
        duration: { type: "string", default: "30" },
        "batch-size": { type: "string", default: "64" },
        workers: { type: "string", default: "32" },
        "anomaly-rate": { type: "string", default: "0.05" },
        "no-keepalive": { type: "boolean", default: false },
        timeout: { type: "string", default: "10" },
        seed: { type: "string", default: "42" },
        "voltage-scale": { type: "string", default: "1" },
        "current-scale": { type: "string", default: "1" },
        "frequency-offset": { type: "string", default: "0" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new TypeError((err as Error).message);
  }
  if (values.help) return null;
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw new RangeError(`--url must be an http(s) URL, got "${values.url}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RangeError(`--url must be an http(s) URL, got "${values.url}"`);
  }
  const positive: Range = { min: 0, exclusiveMin: true };
  const count: Range = { min: 1, integer: true };
  return {
    url: values.url.replace(/\/+$/, ""),
    rps: num("rps", values.rps, positive),
    duration: num("duration", values.duration, positive),
    batchSize: num("batch-size", values["batch-size"], count),
    workers: num("workers", values.workers, count),
    anomalyRate: num("anomaly-rate", values["anomaly-rate"], { min: 0, max: 1 }),
    keepalive: !values["no-keepalive"],
    timeout: num("timeout", values.timeout, positive),
    seed: num("seed", values.seed, { integer: true }),
    shift: {
      voltageScale: num("voltage-scale", values["voltage-scale"], SHIFT_PARAMS.voltage_scale.range),
      currentScale: num("current-scale", values["current-scale"], SHIFT_PARAMS.current_scale.range),
      frequencyOffset: num(
        "frequency-offset",
        values["frequency-offset"],
        SHIFT_PARAMS.frequency_offset.range,
      ),
    },
    json: values.json,
  };
}

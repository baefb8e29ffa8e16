/**
 * Command-line flags of `deno task load --kafka` (the streaming path; the
 * HTTP flags are in loadtest/load_args.ts).
 */
import { parseArgs } from "node:util";
import { describeRange, inRange, type Range } from "../../lib/ranges.ts";
import { TOPICS } from "../../backend/stream/topics.ts";
import type { StreamLoadOptions } from "./stream_load.ts";

/** Parsed `deno task load --kafka` options. */
export interface StreamLoadArgs extends StreamLoadOptions {
  /** Print the report as JSON. */
  json: boolean;
}

/** Usage text printed by `--kafka --help` and on a flag error. */
export const STREAM_USAGE = `Usage: deno task load --kafka [flags]

Publishes a simulated fleet to the readings topic at a target rate for a
bounded time while the stream scorers (deno task stream) consume it; reports
end-to-end latency (reading produced → anomaly record produced) and the
scorers' consumer-group lag.

  --bootstrap HOST:PORT  broker (default KAFKA_BOOTSTRAP)
  --rate N               readings per second (default 5000)
  --duration S           seconds of publishing (default 10)
  --meters N             meters in the fleet, 1 to 1000 (default 100)
  --seed N               simulator seed (default 42)
  --topic NAME           readings topic (default ${TOPICS.readings})
  --anomalies-topic NAME anomalies topic (default ${TOPICS.anomalies})
  --group NAME           the scorers' consumer group (default anomaly-stream)
  --drain-timeout S      seconds to wait for the group to catch up (default 60)
  --json                 print the report as JSON
  -h, --help             show this help

Example: deno task load --kafka --bootstrap 127.0.0.1:9092 --rate 10000 --duration 30`;

function num(flag: string, raw: string, range: Range): number {
  const n = raw.trim() === "" ? NaN : Number(raw);
  if (!inRange(range, n)) {
    throw new RangeError(`--${flag} must be ${describeRange(range)}, got "${raw}"`);
  }
  return n;
}

/**
 * Parse `deno task load --kafka` flags (`--kafka` itself included). Returns null for `--help`;
 * throws TypeError on an unknown flag and RangeError on a bad value, naming the flag.
 */
export function parseStreamLoadArgs(
  args: string[],
  env: Record<string, string | undefined> = {},
): StreamLoadArgs | null {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        kafka: { type: "boolean", default: false },
        bootstrap: { type: "string", default: env.KAFKA_BOOTSTRAP ?? "" },
        rate: { type: "string", default: "5000" },
        duration: { type: "string", default: "10" },
        meters: { type: "string", default: "100" },
        seed: { type: "string", default: "42" },
        topic: { type: "string", default: TOPICS.readings },
        "anomalies-topic": { type: "string", default: TOPICS.anomalies },
        group: { type: "string", default: "anomaly-stream" },
        "drain-timeout": { type: "string", default: "60" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new TypeError((err as Error).message);
  }
  if (values.help) return null;
  if (!/^[A-Za-z0-9.\-]+:\d{1,5}$/.test(values.bootstrap)) {
    throw new RangeError(
      `--bootstrap (or KAFKA_BOOTSTRAP) must be host:port, got "${values.bootstrap}"`,
    );
  }
  for (const flag of ["topic", "anomalies-topic", "group"] as const) {
    if (!/^[A-Za-z0-9._\-]{1,249}$/.test(values[flag])) {
      throw new RangeError(
        `--${flag} must be 1 to 249 letters, digits, '.', '_' or '-', got "${values[flag]}"`,
      );
    }
  }
  return {
    bootstrap: values.bootstrap,
    rate: num("rate", values.rate, { min: 1, max: 1_000_000, integer: true }),
    duration: num("duration", values.duration, { min: 0, max: 3600, exclusiveMin: true }),
    meters: num("meters", values.meters, { min: 1, max: 1000, integer: true }),
    seed: num("seed", values.seed, { integer: true }),
    readingsTopic: values.topic,
    anomaliesTopic: values["anomalies-topic"],
    group: values.group,
    drainTimeout: num("drain-timeout", values["drain-timeout"], { min: 0, max: 3600 }),
    json: values.json,
  };
}

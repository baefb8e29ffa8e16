/**
 * `deno task replay --kafka`: publish a simulated fleet (temporal events
 * included) to the readings topic at a target rate, for a bounded time.
 *
 *   deno task replay --kafka --bootstrap 127.0.0.1:9092 --meters 100 \
 *     --readings-per-meter 1000 --rate 5000 --duration 60
 */
import { parseArgs } from "node:util";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { print, printError } from "../../lib/logger.ts";
import { publishReadings } from "./publish.ts";
import { TOPICS } from "../../backend/stream/topics.ts";

const USAGE = `usage: deno task replay --kafka [--bootstrap HOST:PORT] [--topic ${TOPICS.readings}]
  [--meters 100] [--readings-per-meter 1000] [--seed 42] [--rate 5000] [--duration 60]
  --bootstrap defaults to KAFKA_BOOTSTRAP; --rate 0 sends as fast as the broker takes it`;

/** Parse a positive integer flag (or zero where allowed); throws RangeError naming it. */
function count(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      kafka: { type: "boolean", default: false },
      bootstrap: { type: "string", default: Deno.env.get("KAFKA_BOOTSTRAP") ?? "" },
      topic: { type: "string", default: TOPICS.readings },
      meters: { type: "string", default: "100" },
      "readings-per-meter": { type: "string", default: "1000" },
      seed: { type: "string", default: "42" },
      rate: { type: "string", default: "5000" },
      duration: { type: "string", default: "60" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    print(USAGE);
    return 0;
  }
  if (!values.kafka) {
    printError(`replay publishes to Kafka only: pass --kafka\n${USAGE}`);
    return 2;
  }
  if (!/^[A-Za-z0-9.\-]+:\d{1,5}$/.test(values.bootstrap)) {
    printError(
      `--bootstrap (or KAFKA_BOOTSTRAP) must be host:port, got ${JSON.stringify(values.bootstrap)}`,
    );
    return 2;
  }
  const meters = count("meters", values.meters, 1, 1000);
  const perMeter = count("readings-per-meter", values["readings-per-meter"], 1, 1_000_000);
  const seed = count("seed", values.seed, 0, 2 ** 31);
  const rate = count("rate", values.rate, 0, 10_000_000);
  const duration = count("duration", values.duration, 1, 86_400);
  const fleet = simulateFleet({ seed, meters, readingsPerMeter: perMeter, normalPrefix: 50 });
  print(
    `publishing ${fleet.readings.length} readings of ${meters} meters to ${values.topic} ` +
      `(${rate > 0 ? `${rate}/s` : "unpaced"}, at most ${duration} s)`,
  );
  const result = await publishReadings(fleet.readings, {
    bootstrap: values.bootstrap,
    topic: values.topic,
    rate,
    durationS: duration,
  });
  print(
    `published ${result.published} readings in ${result.seconds.toFixed(1)} s ` +
      `(${Math.round(result.rate)}/s)`,
  );
  return 0;
}

try {
  Deno.exit(await main(Deno.args));
} catch (err) {
  if (!(err instanceof RangeError || err instanceof TypeError)) throw err;
  printError(`${err.message}\n${USAGE}`);
  Deno.exit(2);
}

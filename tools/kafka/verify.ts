/**
 * `deno task stream:verify`: after a publish, is everything scored? Prints the
 * group's lag (0: every reading's outputs were acknowledged and its offset
 * committed), the anomaly records with their duplicates, and the dead letters
 * by reason. With `--scores TOPIC` (the scorers' STREAM_SCORES_TOPIC) also the
 * distinct readings scored, the count to compare with what was published.
 * `--json` prints one object instead. Exits 1 while the lag is not 0.
 *
 *   deno task stream:verify --bootstrap 127.0.0.1:9092 [--group anomaly-stream]
 *     [--scores grid.stream.scores] [--json]
 */
import { parseArgs } from "node:util";
import { print, printError } from "../../lib/logger.ts";
import { TOPICS } from "../../backend/stream/topics.ts";
import { groupLag, type ReadRecord, readTopic } from "./inspect.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    bootstrap: { type: "string", default: Deno.env.get("KAFKA_BOOTSTRAP") ?? "" },
    group: { type: "string", default: "anomaly-stream" },
    scores: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
if (!/^[A-Za-z0-9.\-]+:\d{1,5}$/.test(values.bootstrap)) {
  printError(
    `--bootstrap (or KAFKA_BOOTSTRAP) must be host:port, got ${JSON.stringify(values.bootstrap)}`,
  );
  Deno.exit(2);
}

/** Distinct readings (meter and timestamp) among records whose value is a reading's JSON. */
function readings(records: ReadRecord[]): number {
  return new Set(records.map((r) => {
    const row = JSON.parse(r.value) as { meter_id: string; timestamp: string };
    return `${row.meter_id}@${row.timestamp}`;
  })).size;
}

const lag = await groupLag(values.bootstrap, values.group, TOPICS.readings);
const anomalies = await readTopic(values.bootstrap, TOPICS.anomalies);
const anomalyReadings = readings(anomalies);
const dead = await readTopic(values.bootstrap, TOPICS.deadLetters);
const reasons = new Map<string, number>();
for (const r of dead) {
  const reason = r.headers.reason ?? "unknown";
  reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
}
const scores = values.scores === undefined
  ? null
  : await readTopic(values.bootstrap, values.scores, 120_000);

if (values.json) {
  print(JSON.stringify({
    group: values.group,
    lag: Number(lag),
    anomalies: anomalies.length,
    anomaly_readings: anomalyReadings,
    duplicates: anomalies.length - anomalyReadings,
    dead_letters: dead.length,
    dead_letter_reasons: Object.fromEntries(reasons),
    ...(scores === null ? {} : { scores: scores.length, scored_readings: readings(scores) }),
  }));
} else {
  print(
    `group ${values.group}: lag ${lag} on ${TOPICS.readings}${lag === 0n ? " (all scored)" : ""}`,
  );
  print(
    `${TOPICS.anomalies}: ${anomalies.length} records, ${anomalyReadings} readings, ` +
      `${anomalies.length - anomalyReadings} duplicates`,
  );
  print(
    `${TOPICS.deadLetters}: ${dead.length} records` +
      (reasons.size > 0 ? ` (${[...reasons].map(([k, v]) => `${k} ${v}`).join(", ")})` : ""),
  );
  if (scores !== null) {
    print(`${values.scores}: ${scores.length} records, ${readings(scores)} readings scored`);
  }
}
Deno.exit(lag === 0n ? 0 : 1);

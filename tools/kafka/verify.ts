/**
 * `deno task stream:verify`: after a publish, is everything scored? Prints the
 * group's lag (0: every reading's outputs were acknowledged and its offset
 * committed), the anomaly records with their duplicates, and the dead letters
 * by reason. Exits 1 while the lag is not 0.
 *
 *   deno task stream:verify --bootstrap 127.0.0.1:9092 [--group anomaly-stream]
 */
import { parseArgs } from "node:util";
import { print, printError } from "../../lib/logger.ts";
import { TOPICS } from "../../backend/stream/topics.ts";
import { groupLag, readTopic } from "./inspect.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    bootstrap: { type: "string", default: Deno.env.get("KAFKA_BOOTSTRAP") ?? "" },
    group: { type: "string", default: "anomaly-stream" },
  },
});
if (!/^[A-Za-z0-9.\-]+:\d{1,5}$/.test(values.bootstrap)) {
  printError(
    `--bootstrap (or KAFKA_BOOTSTRAP) must be host:port, got ${JSON.stringify(values.bootstrap)}`,
  );
  Deno.exit(2);
}
const lag = await groupLag(values.bootstrap, values.group, TOPICS.readings);
const anomalies = await readTopic(values.bootstrap, TOPICS.anomalies);
const keys = new Set(anomalies.map((r) => {
  const row = JSON.parse(r.value) as { meter_id: string; timestamp: string };
  return `${row.meter_id}@${row.timestamp}`;
}));
const dead = await readTopic(values.bootstrap, TOPICS.deadLetters);
const reasons = new Map<string, number>();
for (const r of dead) {
  const reason = r.headers.reason ?? "unknown";
  reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
}
print(
  `group ${values.group}: lag ${lag} on ${TOPICS.readings}${lag === 0n ? " (all scored)" : ""}`,
);
print(
  `${TOPICS.anomalies}: ${anomalies.length} records, ${keys.size} readings, ` +
    `${anomalies.length - keys.size} duplicates`,
);
print(
  `${TOPICS.deadLetters}: ${dead.length} records` +
    (reasons.size > 0 ? ` (${[...reasons].map(([k, v]) => `${k} ${v}`).join(", ")})` : ""),
);
Deno.exit(lag === 0n ? 0 : 1);

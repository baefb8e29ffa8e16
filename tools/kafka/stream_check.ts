/**
 * `deno task stream:check`: the streaming path's kill test, end to end, with
 * everything started and stopped here (broker, scorers, publisher, backend).
 *
 * 1. A KRaft broker on free ports; a temporal model trained into a temp dir.
 * 2. Kill run: scorers B1 and B2 share a group while a labelled fleet
 *    (100 meters × 1000 readings, plus one bad record of each kind) is
 *    published; B1 is SIGKILLed mid-stream and B3 started. The run ends when
 *    the group has committed every record.
 * 3. Uninterrupted run: one scorer (group A) reads the same topic.
 * 4. Compare: every valid reading scored (lost = 0), each reading's score and
 *    each anomaly record equal between the runs, duplicates counted; the same
 *    readings through `POST /predict` with context give the same scores.
 * 5. Figures: the uninterrupted scorer's readings/s against Kafka's own
 *    ConsumerPerformance on the same topic, and p99 end-to-end latency with
 *    readings published at 10,000/s.
 *
 * `STREAM_REPORT=path` writes the JSON report; `--write` also rewrites the
 * streaming section of docs/PERFORMANCE.md. Exits 1 when a check fails.
 */
import { fileURLToPath } from "node:url";
import { createLogger, print, printError } from "../../lib/logger.ts";
import { type FleetReading, simulateFleet } from "../../lib/simulator/fleet.ts";
import { type Broker, freePort, kafkaClasspath, startBroker } from "./broker.ts";
import { groupLag, type ReadRecord, readTopic } from "./inspect.ts";
import { publishRecords, type RawRecord, readingValue } from "./publish.ts";
import { DEFAULT_TOPIC_SETTINGS, type TopicNames } from "../../backend/stream/topics.ts";
import { ensureTopics } from "../../backend/stream/create_topics.ts";
import {
  histogramBuckets,
  histogramDelta,
  replaceStreamSection,
  type StreamReport,
  streamSection,
} from "./stream_report.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const METERS = 100;
const PER_METER = 1000;
const KILL_RATE = 10_000;
const LATENCY_RATE = 10_000;
/**
 * The latency run publishes for WARMUP_S + MEASURED_S at LATENCY_RATE. Its p99 is that of the
 * readings published after the warm-up (a sustained rate's figure: 120,000 readings, so one
 * hiccup of the shared machine is not 1 % of them); the warm-up's (cold publisher, scorer and
 * topic) is reported beside it.
 */
const LATENCY_WARMUP_S = 3;
const LATENCY_MEASURED_S = 12;
const logger = createLogger({ service: "stream-check" }, { level: "warn" });

/** A scorer process with its metrics port and log file. */
interface Scorer {
  name: string;
  child: Deno.ChildProcess;
  port: number;
  log: string;
}

const say = (text: string) => print(`[stream:check] ${text}`);

function topicNames(run: string, readings: string): TopicNames & { scores: string } {
  return {
    readings,
    anomalies: `check.${run}.anomalies`,
    deadLetters: `check.${run}.dlq`,
    changelog: `check.${run}.windows`,
    scores: `check.${run}.scores`,
  };
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await probe().catch(() => null);
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function startScorer(
  name: string,
  env: Record<string, string>,
  dir: string,
): Scorer {
  const port = freePort();
  const log = `${dir}/${name}.log`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "backend/stream/main.ts"],
    cwd: ROOT,
    env: { ...env, STREAM_METRICS_PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const file = Deno.openSync(log, { write: true, create: true, append: true });
  const sink = new WritableStream<Uint8Array>({ write: (chunk) => void file.writeSync(chunk) });
  void child.stdout.pipeTo(sink).catch(() => {});
  void child.stderr.pipeTo(new WritableStream({ write: (c) => void file.writeSync(c) })).catch(
    () => {},
  );
  return { name, child, port, log };
}

async function scorerMetric(s: Scorer, metric: string): Promise<number | null> {
  const text = await (await fetch(`http://127.0.0.1:${s.port}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${metric} `));
  return line === undefined ? null : Number(line.split(" ")[1]);
}

async function healthy(s: Scorer): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${s.port}/health`);
  await res.body?.cancel();
  return res.ok;
}

async function stopScorer(s: Scorer): Promise<void> {
  try {
    s.child.kill("SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      s.child.kill("SIGKILL");
    } catch { /* exited */ }
  }, 15_000);
  await s.child.status;
  clearTimeout(timer);
}

/** The `stream_restored` durations a scorer logged. */
function restoreTimes(s: Scorer): number[] {
  const out: number[] = [];
  for (const line of Deno.readTextFileSync(s.log).split("\n")) {
    if (!line.includes('"stream_restored"')) continue;
    try {
      out.push(JSON.parse(line).duration_ms);
    } catch { /* a partial line */ }
  }
  return out;
}

/** One bad record of each kind the scorer must dead-letter, at the given fleet positions. */
function badRecords(readings: readonly FleetReading[]): { at: number; record: RawRecord }[] {
  const sample = readings[METERS * 10];
  const base = { ...JSON.parse(readingValue(sample)) };
  const later = (i: number) => readings[readings.length / 2 + i * 997];
  const at = (i: number) => readings.length / 2 + i * 997 + 1;
  const bad: RawRecord[] = [
    { key: later(0).meter_id, value: "{not json" },
    {
      key: later(1).meter_id,
      value: JSON.stringify({ ...JSON.parse(readingValue(later(1))), voltage: "high" }),
    },
    // 1e999 parses to Infinity: a non-finite value.
    {
      key: later(2).meter_id,
      value: readingValue(later(2)).replace(/"current":[^,}]+/, '"current":1e999'),
    },
    {
      key: later(3).meter_id,
      value: JSON.stringify({ ...JSON.parse(readingValue(later(3))), frequency: undefined }),
    },
    {
      key: later(4).meter_id,
      value: JSON.stringify({ ...JSON.parse(readingValue(later(4))), timestamp: undefined }),
    },
    {
      key: later(5).meter_id,
      value: JSON.stringify({ ...JSON.parse(readingValue(later(5))), meter_id: "meter-x" }),
    },
    // The meter's very first timestamp again, long after it: out of order.
    { key: base.meter_id, value: JSON.stringify({ ...base, timestamp: readings[0].timestamp }) },
  ];
  return bad.map((record, i) => ({ at: at(i), record }));
}

interface ScoreRow {
  meter_id: string;
  timestamp: string;
  score: number;
  anomaly: boolean;
  source_time: number;
}

function byReading<T extends { meter_id: string; timestamp: string }>(
  records: readonly ReadRecord[],
): { map: Map<string, T>; total: number } {
  const map = new Map<string, T>();
  for (const r of records) {
    const row = JSON.parse(r.value) as T;
    map.set(`${row.meter_id}@${row.timestamp}`, row);
  }
  return { map, total: records.length };
}

/** Run Kafka's ConsumerPerformance on `topic`; its records/s with the group join included. */
async function perfTest(bootstrap: string, topic: string, messages: number): Promise<number> {
  const out = await new Deno.Command("java", {
    args: [
      "-Xmx256m",
      "-cp",
      kafkaClasspath()!,
      "org.apache.kafka.tools.ConsumerPerformance",
      "--bootstrap-server",
      bootstrap,
      "--topic",
      topic,
      "--messages",
      String(messages),
      "--group",
      `perf-${crypto.randomUUID()}`,
      "--timeout",
      "60000",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const lines = text.trim().split("\n").filter((l) => l.includes(","));
  const header = lines.find((l) => l.includes("nMsg.sec"));
  const row = lines.at(-1);
  if (!out.success || header === undefined || row === undefined || row === header) {
    throw new Error(
      `ConsumerPerformance failed: ${new TextDecoder().decode(out.stderr).slice(-300)}`,
    );
  }
  const names = header.split(",").map((s) => s.trim());
  const values = row.split(",").map((s) => s.trim());
  return Number(values[names.indexOf("nMsg.sec")]);
}

/** Score each meter's readings through POST /predict with context; compare with the stream's. */
async function httpScores(
  base: string,
  readings: readonly FleetReading[],
  window: number,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const history: FleetReading[] = [];
  for (let i = 0; i < readings.length; i += 64) {
    const batch = readings.slice(i, i + 64);
    const context = history.slice(Math.max(0, history.length - (window - 1)));
    const body = {
      readings: batch.map((r) => JSON.parse(readingValue(r))),
      ...(context.length > 0 ? { context: context.map((r) => JSON.parse(readingValue(r))) } : {}),
    };
    const res = await fetch(`${base}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST /predict: ${res.status} ${await res.text()}`);
    const json = await res.json() as { predictions: { score: number }[] };
    batch.forEach((r, j) => out.set(`${r.meter_id}@${r.timestamp}`, json.predictions[j].score));
    history.push(...batch);
  }
  return out;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<number> {
  if (kafkaClasspath() === null) {
    const message = "Kafka jars absent (bash .ci/setup.d/70-kafka.sh fetches them)";
    if (Deno.env.get("CI") === "true") {
      printError(`[stream:check] ${message}`);
      return 1;
    }
    say(`skipped: ${message}`);
    return 0;
  }
  const started = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "stream-check-" });
  const scorers: Scorer[] = [];
  let broker: Broker | null = null;
  let backend: Deno.ChildProcess | null = null;
  try {
    say("starting a KRaft broker");
    broker = await startBroker({ logger, dataDir: `${dir}/kafka` });
    const bootstrap = broker.bootstrap;
    const readingsTopic = "check.readings";
    const latencyTopic = "check.latency.readings";
    const runA = topicNames("a", readingsTopic);
    const runB = topicNames("b", readingsTopic);
    const runC = topicNames("c", latencyTopic);
    for (const names of [runA, runB, { ...runC }, topicNames("d", readingsTopic)]) {
      await ensureTopics(bootstrap, DEFAULT_TOPIC_SETTINGS, names);
    }

    say("training a temporal model");
    const modelDir = `${dir}/models`;
    const train = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tools/cli/train.ts", "--detector", "temporal", "--model-dir", modelDir],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!train.success) {
      throw new Error(`training failed: ${new TextDecoder().decode(train.stderr)}`);
    }
    const modelEnv = {
      MODEL_DIR: modelDir,
      MODEL_NAME: "temporal_window.json",
      TRAIN_IF_MISSING: "0",
    };
    const scorerEnv = (
      names: TopicNames,
      group: string,
      scores = true,
    ): Record<string, string> => ({
      ...modelEnv,
      KAFKA_BOOTSTRAP: bootstrap,
      STREAM_GROUP: group,
      STREAM_READINGS_TOPIC: names.readings,
      STREAM_ANOMALIES_TOPIC: names.anomalies,
      STREAM_DEAD_LETTER_TOPIC: names.deadLetters,
      STREAM_CHANGELOG_TOPIC: names.changelog,
      ...(scores && names.scores !== undefined ? { STREAM_SCORES_TOPIC: names.scores } : {}),
    });

    const fleet = simulateFleet({
      seed: 42,
      meters: METERS,
      readingsPerMeter: PER_METER,
      normalPrefix: 50,
    });
    const records: RawRecord[] = fleet.readings.map((r) => ({
      key: r.meter_id,
      value: readingValue(r),
    }));
    const bad = badRecords(fleet.readings);
    for (const { at, record } of [...bad].reverse()) records.splice(at, 0, record);

    // Kill run: B1 and B2 in one group while the fleet is published.
    say(`kill run: publishing ${records.length} records at ${KILL_RATE}/s to two scorers`);
    const b2 = startScorer("b2", scorerEnv(runB, "check-b"), dir);
    scorers.push(b2);
    await waitFor("scorer b2", () => healthy(b2), 60_000);
    const b1 = startScorer("b1", scorerEnv(runB, "check-b"), dir);
    scorers.push(b1);
    await waitFor("scorer b1", () => healthy(b1), 60_000);
    // Both assigned: b2 logged a second assignment when b1 joined.
    await waitFor(
      "the group to settle on two members",
      () => Promise.resolve(Deno.readTextFileSync(b2.log).split('"stream_assigned"').length > 2),
      30_000,
    );
    const publishing = publishRecords(records, {
      bootstrap,
      topic: readingsTopic,
      rate: KILL_RATE,
      durationS: 120,
    });
    const killAt = await waitFor(
      "b1 to score 10,000 readings",
      async () => {
        const n = await scorerMetric(b1, "stream_readings_scored_total");
        return n !== null && n >= 10_000 ? n : null;
      },
      120_000,
      25,
    );
    b1.child.kill("SIGKILL");
    await b1.child.status;
    say(`SIGKILLed b1 after it scored ${killAt} readings; starting b3`);
    const b3 = startScorer("b3", scorerEnv(runB, "check-b"), dir);
    scorers.push(b3);
    const published = await publishing;
    say(`published ${published.published} records in ${published.seconds.toFixed(1)} s`);
    await waitFor(
      "group check-b to commit everything",
      async () => {
        return (await groupLag(bootstrap, "check-b", readingsTopic)) === 0n;
      },
      180_000,
      500,
    );
    await Promise.all([stopScorer(b2), stopScorer(b3)]);

    // Uninterrupted run on the same, now complete, topic.
    say("uninterrupted run: one scorer reads the same topic");
    const a = startScorer("a", scorerEnv(runA, "check-a"), dir);
    scorers.push(a);
    await waitFor(
      "group check-a to commit everything",
      async () => {
        return (await groupLag(bootstrap, "check-a", readingsTopic)) === 0n;
      },
      180_000,
      250,
    );
    await stopScorer(a);

    say("comparing the runs");
    const scoresA = byReading<ScoreRow>(await readTopic(bootstrap, runA.scores!));
    const scoresB = byReading<ScoreRow>(await readTopic(bootstrap, runB.scores!));
    const anomaliesA = byReading<Record<string, unknown> & ScoreRow>(
      await readTopic(bootstrap, runA.anomalies),
    );
    const anomaliesB = byReading<Record<string, unknown> & ScoreRow>(
      await readTopic(bootstrap, runB.anomalies),
    );
    const deadA = await readTopic(bootstrap, runA.deadLetters);
    const deadB = await readTopic(bootstrap, runB.deadLetters);
    const valid = fleet.readings.length;
    let scoresEqual = scoresA.map.size === scoresB.map.size;
    for (const [key, row] of scoresA.map) {
      if (scoresB.map.get(key)?.score !== row.score) scoresEqual = false;
    }
    let anomaliesEqual = anomaliesA.map.size === anomaliesB.map.size;
    const strip = (r: Record<string, unknown>) =>
      JSON.stringify({ ...r, partition: 0, offset: "" });
    for (const [key, row] of anomaliesA.map) {
      const other = anomaliesB.map.get(key);
      if (other === undefined || strip(other) !== strip(row)) anomaliesEqual = false;
    }
    const rawValue = (r: ReadRecord) => r.value;
    const distinctDeadB = new Set(deadB.map(rawValue)).size;

    // The same readings through POST /predict with context.
    say("scoring 5 meters through POST /predict");
    const httpPort = freePort();
    backend = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "backend/main.ts"],
      cwd: ROOT,
      env: { ...modelEnv, PORT: String(httpPort), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
      stdout: "null",
      stderr: "null",
    }).spawn();
    const base = `http://127.0.0.1:${httpPort}`;
    await waitFor("the backend to be ready", async () => {
      const res = await fetch(`${base}/ready`);
      await res.body?.cancel();
      return res.ok;
    }, 60_000);
    const model = await (await fetch(`${base}/model`)).json() as { config: { window: number } };
    let httpEqual = true;
    let httpCompared = 0;
    for (const meter of ["meter-01", "meter-17", "meter-42", "meter-77", "meter-100"]) {
      const own = fleet.readings.filter((r) => r.meter_id === meter);
      const http = await httpScores(base, own, model.config.window);
      for (const [key, score] of http) {
        httpCompared++;
        if (scoresA.map.get(key)?.score !== score) httpEqual = false;
      }
    }
    backend.kill("SIGTERM");
    await backend.status;
    backend = null;

    say("Kafka's ConsumerPerformance on the same topic");
    const perf = await perfTest(bootstrap, readingsTopic, records.length);

    // Throughput: one scorer without the audit scores topic, on the complete topic, timed
    // from its first scored reading to its last by polling its own counter.
    say("throughput run: one scorer on the complete topic");
    const d = startScorer("d", scorerEnv(topicNames("d", readingsTopic), "check-d", false), dir);
    scorers.push(d);
    let firstAt = 0;
    let firstCount = 0;
    const lastAt = await waitFor(
      "scorer d to score every reading",
      async () => {
        const n = await scorerMetric(d, "stream_readings_scored_total");
        if (n === null) return null;
        if (firstAt === 0 && n > 0) {
          firstAt = performance.now();
          firstCount = n;
        }
        return n >= valid ? performance.now() : null;
      },
      180_000,
      50,
    );
    const consumerRate = (valid - firstCount) / Math.max(0.001, (lastAt - firstAt) / 1000);
    await stopScorer(d);

    // Latency: readings published at 10,000/s; each anomaly record's produce time minus its
    // reading's produce time (the anomaly names its input partition and offset), for the
    // readings published after the warm-up. Beside it: the share of readings whose outputs the
    // scorer saw acknowledged within 50 ms (its stream_e2e_latency_seconds histogram, read at
    // the end of the warm-up and at the end), and the publisher's own request → ack times.
    say(
      `latency run: publishing at ${LATENCY_RATE}/s to one scorer ` +
        `(${LATENCY_WARMUP_S} s warm-up, ${LATENCY_MEASURED_S} s measured)`,
    );
    const c = startScorer("c", scorerEnv(runC, "check-c", false), dir);
    scorers.push(c);
    await waitFor("scorer c", () => healthy(c), 60_000);
    const latencyFleet = simulateFleet({
      seed: 7,
      meters: METERS,
      readingsPerMeter: (LATENCY_RATE * (LATENCY_WARMUP_S + LATENCY_MEASURED_S)) / METERS,
    });
    const metricsText = async () =>
      await (await fetch(`http://127.0.0.1:${c.port}/metrics`)).text();
    // The scorer's histograms at the end of the warm-up and at the end: where the measured
    // readings' time went (fetch: published → in the scorer; queue; outputs acknowledged).
    const histograms = (text: string) => ({
      e2e: histogramBuckets(text, "stream_e2e_latency_seconds"),
      fetch: histogramBuckets(text, "stream_stage_seconds", "fetch"),
      queue: histogramBuckets(text, "stream_stage_seconds", "queue"),
      ack: histogramBuckets(text, "stream_stage_seconds", "outputs_ack"),
    });
    let atWarmup: ReturnType<typeof histograms> | null = null;
    const warmupTimer = setTimeout(() => {
      metricsText().then((t) => atWarmup = histograms(t), () => {});
    }, LATENCY_WARMUP_S * 1000);
    const latencyPublished = await publishRecords(
      latencyFleet.readings.map((r) => ({ key: r.meter_id, value: readingValue(r) })),
      { bootstrap, topic: latencyTopic, rate: LATENCY_RATE, durationS: 60 },
    );
    clearTimeout(warmupTimer);
    await waitFor(
      "group check-c to commit everything",
      async () => {
        return (await groupLag(bootstrap, "check-c", latencyTopic)) === 0n;
      },
      120_000,
      250,
    );
    const atEnd = histograms(await metricsText());
    await stopScorer(c);
    const produced = new Map<string, number>();
    let firstProduced = Infinity;
    for (const r of await readTopic(bootstrap, latencyTopic)) {
      produced.set(`${r.partition}/${r.offset}`, r.timestamp);
      if (r.timestamp < firstProduced) firstProduced = r.timestamp;
    }
    const measuredFrom = firstProduced + LATENCY_WARMUP_S * 1000;
    const latency: number[] = [];
    const warmupLatency: number[] = [];
    for (const r of await readTopic(bootstrap, runC.anomalies)) {
      const row = JSON.parse(r.value) as { partition: number; offset: string };
      const at = produced.get(`${row.partition}/${row.offset}`)!;
      (at >= measuredFrom ? latency : warmupLatency).push(r.timestamp - at);
    }
    latency.sort((x, y) => x - y);
    warmupLatency.sort((x, y) => x - y);
    const start = (atWarmup ?? histograms("")) as ReturnType<typeof histograms>;
    const e2eAcked = histogramDelta(start.e2e, atEnd.e2e, 0.05, 0.99);
    const stageP99 = (k: "fetch" | "queue" | "ack") =>
      histogramDelta(start[k], atEnd[k], 0.05, 0.99).quantileMs;

    const restores = scorers.flatMap((s) => restoreTimes(s));
    const report: StreamReport = {
      published: published.published,
      valid_readings: valid,
      bad_records: bad.length,
      scored: scoresB.map.size,
      lost: valid - scoresB.map.size,
      duplicates: anomaliesB.total - anomaliesB.map.size,
      duplicate_scores: scoresB.total - scoresB.map.size,
      anomalies_uninterrupted: anomaliesA.map.size,
      anomalies_with_kill: anomaliesB.map.size,
      anomaly_records_equal: anomaliesEqual,
      scores_equal_after_rebalance: scoresEqual,
      http_stream_scores_equal: httpEqual && httpCompared > 0,
      http_readings_compared: httpCompared,
      dead_letters_uninterrupted: deadA.length,
      dead_letters_with_kill: distinctDeadB,
      killed_after_scored: killAt,
      restore_ms: restores,
      consumer_readings_per_s: Math.round(consumerRate),
      perf_test_readings_per_s: Math.round(perf),
      consumer_vs_perf_test: Number((consumerRate / perf).toFixed(2)),
      e2e_rate_published_per_s: Math.round(latencyPublished.rate),
      e2e_anomalies_timed: latency.length,
      e2e_p50_ms: quantile(latency, 0.5),
      e2e_p99_ms_at_10k: quantile(latency, 0.99),
      e2e_warmup_s: LATENCY_WARMUP_S,
      e2e_warmup_p99_ms: quantile(warmupLatency, 0.99),
      e2e_acked_within_50ms: e2eAcked.share === null ? null : Number(e2eAcked.share.toFixed(4)),
      e2e_stage_p99_ms: {
        fetch: stageP99("fetch"),
        queue: stageP99("queue"),
        outputs_ack: stageP99("ack"),
      },
      e2e_publish_ack_p99_ms: Math.round(quantile(latencyPublished.ackMs, 0.99)),
      seconds: Math.round((performance.now() - started) / 1000),
    };
    const path = Deno.env.get("STREAM_REPORT");
    if (path) await Deno.writeTextFile(path, JSON.stringify(report, null, 2) + "\n");
    if (Deno.args.includes("--write")) {
      const doc = `${ROOT}docs/PERFORMANCE.md`;
      const load = Deno.loadavg?.()[0] ?? null;
      const section = streamSection(report, {
        when: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
        load,
        cores: navigator.hardwareConcurrency,
      });
      await Deno.writeTextFile(doc, replaceStreamSection(await Deno.readTextFile(doc), section));
      await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", doc] }).output();
      say("wrote the streaming section of docs/PERFORMANCE.md");
    }
    print(JSON.stringify(report, null, 2));
    const failures: string[] = [];
    if (report.lost !== 0) failures.push(`${report.lost} readings were not scored`);
    if (!scoresEqual) failures.push("scores after the rebalance differ from the uninterrupted run");
    if (!anomaliesEqual) failures.push("anomaly records differ from the uninterrupted run");
    if (!report.http_stream_scores_equal) failures.push("POST /predict and the stream disagree");
    if (report.dead_letters_uninterrupted !== bad.length || distinctDeadB !== bad.length) {
      failures.push(
        `expected ${bad.length} dead letters, got ${report.dead_letters_uninterrupted} and ${distinctDeadB}`,
      );
    }
    for (const f of failures) printError(`[stream:check] FAIL: ${f}`);
    say(failures.length === 0 ? "ok" : "failed");
    return failures.length === 0 ? 0 : 1;
  } finally {
    for (const s of scorers) await stopScorer(s);
    if (backend !== null) {
      backend.kill("SIGKILL");
      await backend.status;
    }
    await broker?.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.exit(await main());

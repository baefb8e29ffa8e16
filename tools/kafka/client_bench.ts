/**
 * `deno task bench:kafka-clients`: how the two pure-JavaScript Kafka clients
 * that run on Deno compare on a local broker (started here): produce N small
 * keyed records in requests of 500, then consume them in a new group. Prints
 * each client's times and the ratios; docs/STREAMING.md says which one the
 * scorer uses and why. `N` (default 100000) sets the count.
 */
import { Buffer } from "node:buffer";
import { Admin, Consumer, Producer } from "@platformatic/kafka";
import { Kafka, logLevel } from "kafkajs";
import { createLogger, print } from "../../lib/logger.ts";
import { startBroker } from "./broker.ts";

const N = Number(Deno.env.get("N") ?? 100_000);
const CHUNK = 500;
const value = JSON.stringify({
  meter_id: "meter-01",
  timestamp: "2026-01-01T00:00:00.000Z",
  voltage: 230.1,
  current: 10.2,
  frequency: 50.01,
});

interface Result {
  client: string;
  produceMs: number;
  /** From subscribing to the last record (the group join included). */
  consumeMs: number;
  /** From the first record to the last. */
  readMs: number;
}

async function platformatic(bootstrap: string, topic: string): Promise<Result> {
  const producer = new Producer({ clientId: "bench", bootstrapBrokers: [bootstrap] });
  let t0 = performance.now();
  for (let i = 0; i < N; i += CHUNK) {
    await producer.send({
      messages: Array.from({ length: Math.min(CHUNK, N - i) }, (_, j) => ({
        topic,
        key: Buffer.from(`meter-${(i + j) % 100}`),
        value: Buffer.from(value),
      })),
    });
  }
  const produceMs = performance.now() - t0;
  await producer.close();
  const consumer = new Consumer({
    groupId: `g-${topic}`,
    clientId: "bench",
    bootstrapBrokers: [bootstrap],
  });
  t0 = performance.now();
  const stream = await consumer.consume({ topics: [topic], mode: "earliest", autocommit: false });
  let n = 0;
  let first = 0;
  for await (const m of stream) {
    if (n === 0) first = performance.now();
    JSON.parse((m.value as Buffer).toString());
    if (++n === N) break;
  }
  const end = performance.now();
  await stream.close();
  await consumer.close();
  return { client: "@platformatic/kafka", produceMs, consumeMs: end - t0, readMs: end - first };
}

async function kafkajs(bootstrap: string, topic: string): Promise<Result> {
  const kafka = new Kafka({ clientId: "bench", brokers: [bootstrap], logLevel: logLevel.ERROR });
  const producer = kafka.producer();
  await producer.connect();
  let t0 = performance.now();
  for (let i = 0; i < N; i += CHUNK) {
    await producer.send({
      topic,
      messages: Array.from({ length: Math.min(CHUNK, N - i) }, (_, j) => ({
        key: `meter-${(i + j) % 100}`,
        value,
      })),
    });
  }
  const produceMs = performance.now() - t0;
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `g-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  t0 = performance.now();
  let n = 0;
  let first = 0;
  const done = Promise.withResolvers<number>();
  await consumer.run({
    eachMessage: ({ message }) => {
      if (n === 0) first = performance.now();
      JSON.parse(message.value!.toString());
      if (++n === N) done.resolve(performance.now());
      return Promise.resolve();
    },
  });
  const end = await done.promise;
  await consumer.disconnect();
  return { client: "kafkajs", produceMs, consumeMs: end - t0, readMs: end - first };
}

const broker = await startBroker({ logger: createLogger({}, { level: "warn" }) });
try {
  const admin = new Admin({ clientId: "bench", bootstrapBrokers: [broker.bootstrap] });
  await admin.createTopics({ topics: ["bench.a", "bench.b"], partitions: 8, replicas: 1 });
  await admin.close();
  const results = [
    await platformatic(broker.bootstrap, "bench.a"),
    await kafkajs(broker.bootstrap, "bench.b"),
  ];
  print(`${N} records of ${value.length} bytes, requests of ${CHUNK}, 8 partitions`);
  print("client               produce ms  consume ms (join incl.)  read ms  read records/s");
  for (const r of results) {
    print(
      `${r.client.padEnd(20)} ${r.produceMs.toFixed(0).padStart(10)}  ${
        r.consumeMs.toFixed(0).padStart(23)
      }  ${r.readMs.toFixed(0).padStart(7)}  ${
        Math.round(N / (r.readMs / 1000)).toString().padStart(14)
      }`,
    );
  }
  const [p, k] = results;
  print(
    `kafkajs / platformatic: produce ${(k.produceMs / p.produceMs).toFixed(2)}x the time, ` +
      `read ${(k.readMs / p.readMs).toFixed(2)}x the time`,
  );
} finally {
  await broker.stop();
}

/**
 * Publish a simulated fleet to the readings topic, keyed by `meter_id`, at a
 * target rate for at most a given time. Used by `deno task replay --kafka`
 * and by `deno task stream:check`.
 */
import { Buffer } from "node:buffer";
import { ProduceAcks, Producer } from "@platformatic/kafka";
import type { FleetReading } from "../../lib/simulator/fleet.ts";

/** Options for {@link publishReadings}. */
export interface PublishOptions {
  bootstrap: string;
  topic: string;
  /** Readings per second; 0 sends as fast as the broker takes them. */
  rate: number;
  /** Stop after this many seconds even when readings remain. */
  durationS: number;
  /** Readings per produce request (at most). Default 500. */
  chunk?: number;
  /** Called once records `[from, to)` are acknowledged, with their record timestamp (epoch ms). */
  onSent?: (from: number, to: number, timestamp: number) => void;
}

/** What was published. */
export interface PublishResult {
  published: number;
  seconds: number;
  /** Readings per second achieved. */
  rate: number;
  /**
   * Per produce request, ms from building it (its records' timestamp) to its acknowledgement,
   * ascending: the publisher's and the broker's share of an end-to-end latency.
   */
  ackMs: number[];
}

/** The record value of a fleet reading: what a meter sends (no ground truth). */
export function readingValue(r: FleetReading): string {
  return JSON.stringify({
    meter_id: r.meter_id,
    timestamp: r.timestamp,
    voltage: r.voltage,
    current: r.current,
    frequency: r.frequency,
  });
}

/** Produce requests sent and not yet acknowledged, at most. */
const IN_FLIGHT = 5;

/** A record to publish: key and value as text. */
export interface RawRecord {
  key: string;
  value: string;
}

/** Send `readings` in order, paced to `rate`; resolves when all are acknowledged or time is up. */
export function publishReadings(
  readings: readonly FleetReading[],
  options: PublishOptions,
): Promise<PublishResult> {
  return publishRecords(
    readings.map((r) => ({ key: r.meter_id, value: readingValue(r) })),
    options,
  );
}

/** Send raw records in order, paced to `rate` (what {@link publishReadings} does for readings). */
export async function publishRecords(
  records: readonly RawRecord[],
  options: PublishOptions,
): Promise<PublishResult> {
  const producer = new Producer({
    clientId: "anomaly-replay",
    bootstrapBrokers: [options.bootstrap],
    idempotent: true,
    acks: ProduceAcks.ALL,
  });
  // Paced: one request every ~50 ms; each reading's record timestamp is set when its request
  // is built, so pacing granularity does not show up as end-to-end latency.
  const chunk = options.rate > 0
    ? Math.max(1, Math.min(options.chunk ?? 1000, Math.ceil(options.rate / 20)))
    : options.chunk ?? 1000;
  let begin = performance.now();
  let acked = 0;
  const ackMs: number[] = [];
  try {
    // Connected before the clock starts: the producer id and the topic's metadata (slow on a
    // fresh broker whose partitions are just being created) are not part of the paced time.
    await producer.initIdempotentProducer({});
    await producer.metadata({ topics: [options.topic] });
    begin = performance.now();
    const deadline = begin + options.durationS * 1000;
    // Open loop: up to IN_FLIGHT requests unacknowledged, so a slow acknowledgement does not
    // lower the offered rate; the idempotent producer keeps them in order per partition (Kafka
    // guarantees it for up to 5 in flight), so each meter's readings stay in time order.
    const inFlight: Promise<void>[] = [];
    let sent = 0;
    while (sent < records.length && performance.now() < deadline) {
      const from = sent;
      const part = records.slice(from, from + chunk);
      const timestamp = Date.now();
      const built = performance.now();
      inFlight.push(
        producer.send({
          messages: part.map((r) => ({
            topic: options.topic,
            key: Buffer.from(r.key),
            value: Buffer.from(r.value),
            timestamp: BigInt(timestamp),
          })),
        }).then(() => {
          ackMs.push(performance.now() - built);
          acked += part.length;
          options.onSent?.(from, from + part.length, timestamp);
        }),
      );
      sent += part.length;
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
      if (options.rate > 0) {
        const due = begin + (sent / options.rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
    await Promise.all(inFlight);
  } finally {
    await producer.close();
  }
  const seconds = (performance.now() - begin) / 1000;
  ackMs.sort((a, b) => a - b);
  return { published: acked, seconds, rate: acked / seconds, ackMs };
}

/**
 * Read what is in a topic and how far a group is behind: the stream check's
 * and the workshop's way to verify that nothing was lost.
 */
import { Buffer } from "node:buffer";
import { Consumer } from "@platformatic/kafka";

/** One record as read back. */
export interface ReadRecord {
  key: string;
  value: string;
  partition: number;
  offset: bigint;
  /** The record's timestamp (producer create time, epoch ms). */
  timestamp: number;
  /** Headers as text (the dead-letter topic's `reason` and `error`). */
  headers: Record<string, string>;
}

function admin(bootstrap: string, groupId: string): Consumer {
  return new Consumer({ clientId: "anomaly-inspect", groupId, bootstrapBrokers: [bootstrap] });
}

/** End offsets (high watermarks) of every partition of `topic`. */
export async function endOffsets(bootstrap: string, topic: string): Promise<bigint[]> {
  const consumer = admin(bootstrap, `anomaly-inspect-${crypto.randomUUID()}`);
  try {
    const offsets = await consumer.listOffsets({ topics: [topic] });
    return offsets.get(topic) ?? [];
  } finally {
    await consumer.close();
  }
}

/** Records `groupId` has yet to commit on `topic`, summed over partitions (no commit: all). */
export async function groupLag(bootstrap: string, groupId: string, topic: string): Promise<bigint> {
  const probe = openLagProbe(bootstrap, groupId, topic);
  try {
    return await probe.lag();
  } finally {
    await probe.close();
  }
}

/** A group's lag on a topic, read as often as needed over one connection. */
export interface LagProbe {
  /** Records the group has yet to commit, summed over partitions (no commit: all). */
  lag(): Promise<bigint>;
  close(): Promise<void>;
}

/** Open a {@link LagProbe} (it only reads offsets: it never joins the group). */
export function openLagProbe(bootstrap: string, groupId: string, topic: string): LagProbe {
  const consumer = admin(bootstrap, groupId);
  return {
    async lag() {
      const offsets = await consumer.listOffsets({ topics: [topic] });
      const ends = offsets.get(topic) ?? [];
      const committed = await consumer.listCommittedOffsets({
        topics: [{ topic, partitions: ends.map((_, p) => p) }],
      });
      const list = committed.get(topic) ?? [];
      let lag = 0n;
      ends.forEach((end, p) => {
        const at = list[p] ?? -1n;
        lag += at < 0n ? end : end - at;
      });
      return lag;
    },
    close: () => consumer.close(true),
  };
}

/**
 * Every record in `topic` up to its end offsets at call time; from `from[p]` on in partition
 * `p` when given (end offsets read before, say, a load run), else from the start.
 */
export async function readTopic(
  bootstrap: string,
  topic: string,
  timeoutMs = 60_000,
  from?: readonly bigint[],
): Promise<ReadRecord[]> {
  const ends = await endOffsets(bootstrap, topic);
  const remaining = new Set<number>();
  ends.forEach((end, p) => end > (from?.[p] ?? 0n) && remaining.add(p));
  const out: ReadRecord[] = [];
  if (remaining.size === 0) return out;
  const consumer = admin(bootstrap, `anomaly-inspect-${crypto.randomUUID()}`);
  const timer = setTimeout(() => void consumer.close(true), timeoutMs);
  try {
    const stream = await consumer.consume({
      topics: [topic],
      autocommit: false,
      maxWaitTime: 100,
      ...(from === undefined ? { mode: "earliest" } : {
        mode: "manual",
        offsets: [...remaining].map((partition) => ({ topic, partition, offset: from[partition] })),
      }),
    });
    for await (const m of stream) {
      const message = m as {
        key: Buffer;
        value: Buffer;
        partition: number;
        offset: bigint;
        timestamp: bigint;
        headers: Map<Buffer, Buffer>;
      };
      // Only the asked range (a partition outside `remaining` may be read from elsewhere).
      const start = from?.[message.partition] ?? 0n;
      if (message.offset < start || message.offset >= (ends[message.partition] ?? 0n)) continue;
      const headers: Record<string, string> = {};
      for (const [k, v] of message.headers ?? []) {
        headers[Buffer.from(k).toString()] = Buffer.from(v).toString();
      }
      out.push({
        key: message.key ? Buffer.from(message.key).toString() : "",
        value: message.value ? Buffer.from(message.value).toString() : "",
        partition: message.partition,
        offset: message.offset,
        timestamp: Number(message.timestamp),
        headers,
      });
      if (message.offset + 1n >= ends[message.partition]) remaining.delete(message.partition);
      if (remaining.size === 0) break;
    }
    await stream.close();
  } finally {
    clearTimeout(timer);
    await consumer.close(true).catch(() => {});
  }
  if (remaining.size > 0) {
    throw new Error(`Reading ${topic} timed out with partitions ${[...remaining]} unfinished`);
  }
  return out;
}

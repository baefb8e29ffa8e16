/**
 * The stream scorer: a member of a Kafka consumer group on the readings
 * topic that scores each reading with the served detector against its
 * meter's window and sends flagged readings to the anomalies topic.
 *
 * Delivery is at-least-once. Per batch: score; send anomalies and dead letters
 * at once (acks=all, idempotent producer); once they and every earlier batch's
 * are acknowledged, write the changed windows to the changelog and wait for
 * that acknowledgement; only then commit the input offsets. Scoring and sending
 * do not wait for the changelog and the commit (up to MAX_IN_FLIGHT batches are
 * between sending and committing), and a changelog write covers every batch
 * acknowledged by then. A crash between the acknowledgement and the commit
 * makes the next owner read those records again: the restored windows carry the
 * offset of each meter's last scored reading, so those records are skipped and
 * counted (`duplicatesSkipped`), and windows and scores stay exactly those of an
 * uninterrupted run. An anomaly record can only be sent twice if the crash falls
 * between sending and writing the windows; such a copy repeats `meter_id`,
 * `timestamp`, `partition` and `offset`, the key a reader dedupes on.
 *
 * State: when a partition is assigned, the windows of its meters are read
 * from the compacted changelog partition of the same number at once (its
 * first record waits for that); when it is revoked they are dropped.
 */
import {
  Consumer,
  type Message,
  type MessagesStream,
  type MessageToProduce,
  ProduceAcks,
  Producer,
} from "@platformatic/kafka";
import { Buffer } from "node:buffer";
import type { Detector } from "../detector/mod.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import { type BatchResult, type InputRecord, scoreBatch } from "./batch.ts";
import { decodeWindow, encodeWindow, type MeterWindow, staleMeters } from "./windows.ts";
import type { StreamMetrics } from "./stream_metrics.ts";
import { warmUp } from "./warm_up.ts";

/** Topic names the scorer reads and writes. */
export interface StreamTopics {
  readings: string;
  anomalies: string;
  deadLetters: string;
  changelog: string;
  /** Every reading's score (optional: audits and the stream check). */
  scores?: string;
}

/** Options for {@link StreamScorer}. */
export interface StreamScorerOptions {
  bootstrap: string;
  groupId: string;
  topics: StreamTopics;
  /** The detector to score with now (read again for every batch: promotions swap it). */
  detector: () => Detector;
  metrics: StreamMetrics;
  logger: Logger;
  /** Most records scored per batch. Default 2000. */
  maxBatch?: number;
  /** Drop a meter's window this long (event time) after its partition moved on. 0 or absent: keep. */
  windowTtlMs?: number;
  /** Least time between two sweeps for stale windows (ms). Default 10,000. */
  sweepIntervalMs?: number;
  /** How often lag is read from the broker (ms). Default 5000. */
  lagIntervalMs?: number;
  /** Client id (shown by the broker's group tools). */
  clientId?: string;
}

type Msg = Message<Buffer, Buffer, Buffer, Buffer>;

const QUEUE_HIGH = 20_000;
const QUEUE_LOW = 5_000;
/**
 * Batches whose outputs are sent but whose windows are not written and offsets not committed.
 * At 10,000 readings/s a batch comes about every 50 ms; 16 of them ride out acknowledgements
 * slowed to 800 ms (seen on a loaded 2-core machine) without stalling the scoring, while a
 * crash still re-reads at most 16 batches.
 */
const MAX_IN_FLIGHT = 16;

/**
 * Most bytes (keys and values) in one request of outputs joined while an earlier one was in
 * flight. The broker refuses a partition's batch over 1 MiB (`message.max.bytes`), and on a
 * backlog the batches joined can all fall on the same partition or two; a batch alone is sent
 * whatever its size, as before.
 */
const OUTBOX_MAX_BYTES = 512 << 10;

/** A scored batch from sending its outputs to writing its windows. */
interface SentBatch {
  batch: Msg[];
  result: BatchResult;
  windows: Map<string, MeterWindow>;
  /** Meters whose window was dropped as stale after this batch (meter → partition): tombstones. */
  evicted: Map<string, number>;
  /** Resolves (performance.now()) when the outputs are acknowledged. */
  outputs: Promise<number>;
  ackedAt: number | null;
  /** Its windows are in the changelog and its offsets committed. */
  written: boolean;
}

/**
 * Least time between two changelog writes (and commits). At 10,000 readings/s a batch comes
 * every ~50 ms and rewrites the windows of most meters: one write per 100 ms halves what the
 * changelog costs the broker (the windows of 100 meters weigh more than the anomalies of a
 * batch), as Kafka Streams commits every 100 ms. It delays commits, never the anomaly records.
 */
const CHANGELOG_INTERVAL_MS = 100;

/** Counters a caller (and the check) can read. */
export interface StreamCounts {
  consumed: number;
  scored: number;
  anomalies: number;
  deadLetters: number;
  duplicatesSkipped: number;
  rebalances: number;
  restoreMs: number[];
  /** Windows dropped as stale. */
  evicted: number;
}

/** Consumes, scores and produces until {@link StreamScorer.stop}. */
export class StreamScorer {
  readonly #o: StreamScorerOptions;
  #consumer: Consumer;
  readonly #clientId: string;
  readonly #producer: Producer;
  /**
   * The changelog's own producer (and connection): the client sends one request at a time per
   * idempotent producer, so on a shared one each batch's anomalies would wait behind a
   * changelog write of every meter's window.
   */
  readonly #changelogProducer: Producer;
  #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | null = null;
  readonly #queue: Msg[] = [];
  /** When each queued record arrived (epoch ms), parallel to the queue. */
  readonly #arrived: number[] = [];
  #paused = false;
  #wake: (() => void) | null = null;
  #stopping = false;
  #loop: Promise<void> | null = null;
  /**
   * The last batch's changelog write and commit. Each batch's outputs are sent as soon as it is
   * scored; its changelog write waits for its outputs' acknowledgement and for the previous
   * batch's changelog write, so changelog writes and commits stay in batch order.
   */
  #inFlight: Promise<void> = Promise.resolve();
  /** The first failure of a batch in flight since the last (re)join; the loop recovers on it. */
  #failure: { error: unknown } | null = null;
  /** Counts rejoins, so failures of batches from before one are not recovered twice. */
  #generation = 0;
  /** When the last changelog write started (performance.now()). */
  #lastWrite = 0;
  /** Batches whose outputs are sent and whose windows are not written yet, oldest first. */
  #unwritten: SentBatch[] = [];
  /** The batches sent and not yet committed, oldest first (at most MAX_IN_FLIGHT). */
  #pending: Promise<void>[] = [];
  #lagTimer: ReturnType<typeof setInterval> | null = null;
  /** Outputs waiting for the request in flight, in batch order (see #sendOutputs). */
  readonly #outbox: {
    messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[];
    bytes: number;
    waiters: PromiseWithResolvers<number>[];
  }[] = [];
  #sending = false;
  /** Windows of the meters in restored partitions. */
  readonly #windows = new Map<string, MeterWindow>();
  /** Readings partitions whose windows are restored (and which we own, as far as we know). */
  readonly #restored = new Set<number>();
  /** Counters since start. */
  readonly counts: StreamCounts = {
    consumed: 0,
    scored: 0,
    anomalies: 0,
    deadLetters: 0,
    duplicatesSkipped: 0,
    rebalances: 0,
    restoreMs: [],
    evicted: 0,
  };

  /** A scorer for the given group and topics (not started). */
  constructor(options: StreamScorerOptions) {
    this.#o = options;
    const clientId = options.clientId ?? `anomaly-stream-${Deno.pid}`;
    this.#clientId = clientId;
    this.#consumer = this.#newConsumer();
    const producer = () =>
      new Producer({
        clientId,
        bootstrapBrokers: [options.bootstrap],
        idempotent: true,
        acks: ProduceAcks.ALL,
      });
    this.#producer = producer();
    this.#changelogProducer = producer();
  }

  #newConsumer(): Consumer {
    const consumer = new Consumer({
      clientId: this.#clientId,
      groupId: this.#o.groupId,
      bootstrapBrokers: [this.#o.bootstrap],
      // A killed member is noticed after sessionTimeout; 10 s keeps the kill test's pause short
      // while a busy 2-core machine still heartbeats in time.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 20_000,
      maxWaitTime: 100,
      autocommit: false,
    });
    consumer.on("consumer:group:join", (payload) => this.#onAssignment(payload.assignments));
    return consumer;
  }

  /** Join the group and start scoring; resolves once consuming. */
  async start(): Promise<void> {
    const o = this.#o;
    await this.#warmUp();
    await this.#subscribe();
    this.#loop = this.#run();
    this.#lagTimer = setInterval(() => void this.#readLag(), o.lagIntervalMs ?? 5_000);
    o.logger.info("stream_started", { group: o.groupId, topics: o.topics, pid: Deno.pid });
  }

  /**
   * Before joining: compile the scoring path (see warm_up.ts) and give the producer its id and
   * the output topics' metadata, which its first send would otherwise fetch while the first
   * readings wait.
   */
  async #warmUp(): Promise<void> {
    const o = this.#o;
    const start = performance.now();
    const readings = warmUp(o.detector());
    const outputs = [o.topics.anomalies, o.topics.deadLetters];
    if (o.topics.scores !== undefined) outputs.push(o.topics.scores);
    await this.#producer.initIdempotentProducer({});
    await this.#producer.metadata({ topics: outputs });
    await this.#changelogProducer.initIdempotentProducer({});
    await this.#changelogProducer.metadata({ topics: [o.topics.changelog] });
    o.logger.info("stream_warmed", {
      readings,
      duration_ms: Math.round(performance.now() - start),
    });
  }

  async #subscribe(): Promise<void> {
    const o = this.#o;
    this.#stream = await this.#consumer.consume({
      topics: [o.topics.readings],
      mode: "committed",
      fallbackMode: "earliest",
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 20_000,
      maxWaitTime: 100,
    });
    this.#stream.on("data", (message: Msg) => {
      this.#queue.push(message);
      this.#arrived.push(Date.now());
      if (this.#queue.length >= QUEUE_HIGH && !this.#paused) {
        this.#paused = true;
        this.#stream?.pause();
      }
      this.#wake?.();
    });
    this.#stream.on("error", (err: Error) => {
      o.logger.error("stream_consumer_error", { error: errorMessage(err) });
    });
  }

  /**
   * Start over from the group's committed offsets after a failed send: the consumer's
   * position is past the batch whose outputs were not acknowledged, and later commits must not
   * skip it. Leaving the group and joining again rewinds every partition to its committed
   * offset; the windows are restored from the changelog as after any assignment.
   */
  async #rejoin(): Promise<void> {
    const stream = this.#stream;
    const consumer = this.#consumer;
    this.#stream = null;
    this.#queue.length = 0;
    this.#arrived.length = 0;
    this.#paused = false;
    this.#windows.clear();
    this.#restored.clear();
    this.#owned = null;
    this.#inFlight = Promise.resolve();
    this.#restoring = Promise.resolve();
    this.#pending = [];
    this.#unwritten = [];
    this.#generation++;
    this.#failure = null;
    await stream?.close().catch(() => {});
    await consumer.close(true).catch(() => {});
    this.#consumer = this.#newConsumer();
    await this.#subscribe();
  }

  /** Finish the batch in hand (the rest of the queue is left uncommitted), leave the group, close. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    if (this.#lagTimer !== null) clearInterval(this.#lagTimer);
    await this.#loop;
    await this.#inFlight.catch(() => {});
    await this.#stream?.close().catch(() => {});
    await this.#consumer.close(true).catch(() => {});
    await this.#producer.close().catch(() => {});
    await this.#changelogProducer.close().catch(() => {});
    this.#o.logger.info("stream_stopped", { ...this.counts, restoreMs: undefined });
  }

  #onAssignment(assignments: { topic: string; partitions: number[] }[] | undefined): void {
    const owned = new Set<number>();
    for (const a of assignments ?? []) {
      if (a.topic === this.#o.topics.readings) { for (const p of a.partitions) owned.add(p); }
    }
    for (const p of [...this.#restored]) {
      if (owned.has(p)) continue;
      this.#restored.delete(p);
      for (const [meter, w] of this.#windows) if (w.partition === p) this.#windows.delete(meter);
    }
    this.counts.rebalances++;
    this.#o.metrics.rebalances.inc();
    this.#o.metrics.assignedPartitions.set(owned.size);
    this.#owned = owned;
    this.#o.logger.info("stream_assigned", { partitions: [...owned].sort((a, b) => a - b) });
    // Restore the new partitions' windows now rather than when their first records arrive: a
    // restore takes a metadata and a fetch round trip at least (seconds for a long changelog),
    // and every record fetched meanwhile would wait for it. A batch waits for this restore;
    // one that failed is retried by that batch, which recovers if it fails again.
    const fresh = new Set([...owned].filter((p) => !this.#restored.has(p)));
    if (fresh.size === 0) return;
    const generation = this.#generation;
    this.#restoring = this.#restoring.then(async () => {
      await this.#restoreFresh(fresh, generation);
    }).catch((err: unknown) => {
      this.#o.logger.warn("stream_restore_failed", { error: errorMessage(err) });
    });
  }

  /** The restore started by the last assignment (settles, never rejects). */
  #restoring: Promise<void> = Promise.resolve();

  /**
   * Restore the windows of `partitions` not restored yet. The changelog must hold what this
   * scorer sent for them before it is read (a partition revoked and assigned back may still
   * have windows in flight), so their unwritten windows are waited for first.
   */
  async #restoreFresh(partitions: Set<number>, generation: number): Promise<void> {
    const unwritten = this.#unwritten.some((e) =>
      [...e.windows.values()].some((w) => partitions.has(w.partition)) ||
      [...e.evicted.values()].some((p) => partitions.has(p))
    );
    if (unwritten) await this.#inFlight;
    if (generation !== this.#generation) return;
    const todo = new Set([...partitions].filter((p) => !this.#restored.has(p)));
    if (todo.size > 0) await this.#restore(todo, generation);
  }

  #owned: Set<number> | null = null;

  async #run(): Promise<void> {
    const maxBatch = this.#o.maxBatch ?? 2000;
    while (true) {
      // Stopping: what is queued is not committed, so the partitions' next owner scores it.
      if (this.#stopping) return;
      if (this.#failure !== null) {
        await this.#recover(this.#failure.error, 0);
        continue;
      }
      if (this.#queue.length === 0) {
        // Not waiting for the batches in flight here: records that arrive meanwhile are scored
        // and their outputs sent at once; a failure among them wakes this loop.
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(resolve, 200);
        });
        this.#wake = null;
        continue;
      }
      const batch = this.#queue.splice(0, maxBatch);
      const arrived = this.#arrived.splice(0, maxBatch);
      if (this.#paused && this.#queue.length <= QUEUE_LOW) {
        this.#paused = false;
        this.#stream?.resume();
      }
      try {
        await this.#process(batch, arrived);
      } catch (err) {
        await this.#recover(err, batch.length);
      }
    }
  }

  /**
   * Outputs not acknowledged: nothing of the failed batch (nor of the one scored after it) is
   * committed. Rejoin from the committed offsets, retrying while the broker is away.
   */
  async #recover(err: unknown, size: number): Promise<void> {
    this.#o.logger.error("stream_batch_failed", { error: errorMessage(err), size });
    for (let attempt = 1; !this.#stopping; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * attempt)));
      try {
        await this.#rejoin();
        return;
      } catch (rejoinErr) {
        this.#o.logger.warn("stream_rejoin_failed", {
          attempt,
          error: errorMessage(rejoinErr),
        });
      }
    }
  }

  async #process(all: Msg[], allArrived: number[]): Promise<void> {
    const o = this.#o;
    o.metrics.consumed.inc({ topic: o.topics.readings }, all.length);
    this.counts.consumed += all.length;
    // Records of partitions revoked since they were fetched belong to their new owner now.
    const owned = this.#owned;
    const batch = owned === null ? all : all.filter((m) => owned.has(m.partition));
    const arrived = owned === null
      ? allArrived
      : allArrived.filter((_, i) => owned.has(all[i].partition));
    if (batch.length === 0) return;
    let fresh = new Set<number>();
    for (const m of batch) if (!this.#restored.has(m.partition)) fresh.add(m.partition);
    if (fresh.size > 0) {
      // Restored at assignment, normally by now (or being restored: wait for it); if that
      // failed, here, and a failure recovers as a failed send does.
      await this.#restoring;
      fresh = new Set([...fresh].filter((p) => !this.#restored.has(p)));
      if (fresh.size > 0) await this.#restoreFresh(fresh, this.#generation);
    }

    const times = new Map<InputRecord, number>();
    const records: InputRecord[] = batch.map((m) => {
      const record = { key: m.key, value: m.value, partition: m.partition, offset: m.offset };
      times.set(record, Number(m.timestamp));
      return record;
    });
    const t0 = performance.now();
    const detector = o.detector();
    const scoresTopic = o.topics.scores;
    const result = scoreBatch(detector, this.#windows, records, {
      withScores: scoresTopic !== undefined,
    });
    const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = [];
    for (const a of result.anomalies) {
      messages.push({
        topic: o.topics.anomalies,
        key: Buffer.from(a.meter_id),
        value: Buffer.from(JSON.stringify(a)),
      });
    }
    for (const d of result.deadLetters) {
      messages.push({
        topic: o.topics.deadLetters,
        ...(d.record.key ? { key: Buffer.from(d.record.key) } : {}),
        value: d.record.value ? Buffer.from(d.record.value) : Buffer.alloc(0),
        headers: new Map([
          [Buffer.from("reason"), Buffer.from(d.reason)],
          [Buffer.from("error"), Buffer.from(d.message)],
          [
            Buffer.from("source"),
            Buffer.from(`${o.topics.readings}/${d.record.partition}/${d.record.offset}`),
          ],
        ]),
      });
    }
    if (scoresTopic !== undefined) {
      for (let i = 0; i < result.scores.length; i++) {
        const s = result.scores[i];
        const time = times.get(result.scoredRecords[i])!;
        messages.push({
          topic: scoresTopic,
          key: Buffer.from(s.meter_id),
          // source_time: when the reading was produced, so a reader can measure end-to-end.
          value: Buffer.from(JSON.stringify({ ...s, source_time: time })),
        });
      }
    }
    const t1 = performance.now();
    const batchStart = Date.now() - (t1 - t0);
    const stages = o.metrics.stages;
    let fetchMax = 0;
    let queueMax = 0;
    // The labelled children once per batch, not a label lookup per record.
    const fetchStage = stages.labels({ stage: "fetch" });
    const queueStage = stages.labels({ stage: "queue" });
    for (let i = 0; i < batch.length; i++) {
      const fetch = Math.max(0, arrived[i] - Number(batch[i].timestamp));
      const queue = Math.max(0, batchStart - arrived[i]);
      if (fetch > fetchMax) fetchMax = fetch;
      if (queue > queueMax) queueMax = queue;
      fetchStage.observe(fetch / 1000);
      queueStage.observe(queue / 1000);
    }
    stages.observe({ stage: "score" }, (t1 - t0) / 1000);
    // Applied now so the next batch scores against them; if a send below fails, the scorer
    // rejoins and restores the windows from the changelog, dropping these.
    for (const [meter, w] of result.windows) this.#windows.set(meter, w);
    const evicted = this.#sweep();

    // At most MAX_IN_FLIGHT batches between sending outputs and committing: a broker that
    // acknowledges slowly holds the scorer back instead of piling up sends. A failure of an
    // earlier batch surfaces here (and the scorer rejoins).
    while (this.#pending.length >= MAX_IN_FLIGHT) await this.#pending.shift();
    // The outputs go out at once: nothing that depends on them (changelog, commit) is written
    // before they are acknowledged, so sending them early weakens no guarantee.
    const sentAt = performance.now();
    const entry: SentBatch = {
      batch,
      result,
      windows: result.windows,
      evicted,
      outputs: messages.length > 0 ? this.#sendOutputs(messages) : Promise.resolve(sentAt),
      ackedAt: null,
      written: false,
    };
    entry.outputs.then((at) => {
      entry.ackedAt = at;
      stages.observe({ stage: "outputs_ack" }, (at - sentAt) / 1000);
      const now = Date.now();
      for (const m of batch) o.metrics.e2eLatency.observe((now - Number(m.timestamp)) / 1000);
    }, () => {});
    this.#unwritten.push(entry);
    const previous = this.#inFlight;
    this.#inFlight = (async () => {
      // Earlier batches first: changelog writes and commits stay in batch order, and a failure
      // of an earlier batch is this one's (its windows cover readings whose outputs failed).
      await previous;
      if (!entry.written) await this.#writeChangelog(entry);
    })();
    // Handled here so an idle scorer does not crash on it; the loop recovers on the first
    // failure of this generation (later batches fail with it, they wait for this one).
    const generation = this.#generation;
    this.#inFlight.catch((error: unknown) => {
      if (generation !== this.#generation || this.#failure !== null) return;
      this.#failure = { error };
      this.#wake?.();
    });
    this.#pending.push(this.#inFlight);
    o.logger.debug("stream_batch", {
      records: batch.length,
      queued: this.#queue.length,
      fetch_max_ms: fetchMax,
      queue_max_ms: queueMax,
      score_ms: Math.round(t1 - t0),
    });
  }

  /**
   * Send a batch's outputs; resolves (performance.now()) once they are acknowledged. The client
   * has one request in flight per idempotent producer, so while one is, the outputs of the
   * batches scored meanwhile wait here and go out together in the next request: a slow
   * acknowledgement delays them by one round trip, not by one round trip per batch queued.
   */
  #sendOutputs(messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[]): Promise<number> {
    const acked = Promise.withResolvers<number>();
    let bytes = 0;
    for (const m of messages) bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
    const last = this.#outbox.at(-1);
    if (last !== undefined && last.bytes + bytes <= OUTBOX_MAX_BYTES) {
      for (const m of messages) last.messages.push(m);
      last.bytes += bytes;
      last.waiters.push(acked);
    } else {
      this.#outbox.push({ messages, bytes, waiters: [acked] });
    }
    if (!this.#sending) void this.#pump();
    return acked.promise;
  }

  /** Send what the outbox holds, one request at a time, until it is empty. */
  async #pump(): Promise<void> {
    this.#sending = true;
    while (this.#outbox.length > 0) {
      const { messages, waiters } = this.#outbox.shift()!;
      try {
        await this.#producer.send({ messages });
        const at = performance.now();
        for (const w of waiters) w.resolve(at);
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.#sending = false;
  }

  /**
   * Write the windows of `head` (the oldest batch not written) and of the batches after it
   * whose outputs are already acknowledged, in one produce, then commit their offsets. One
   * write for several batches when the broker is slower than the batches come: the changelog
   * keeps each meter's latest window, so only the latest of each meter is sent. A window is
   * written only after the outputs of every reading it covers are acknowledged, and offsets
   * are committed only after the windows are.
   */
  async #writeChangelog(head: SentBatch): Promise<void> {
    const o = this.#o;
    await head.outputs;
    // At most one write per CHANGELOG_INTERVAL_MS: the batches acknowledged meanwhile join it.
    const wait = this.#lastWrite + CHANGELOG_INTERVAL_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.#lastWrite = performance.now();
    // `head` and the acknowledged batches right after it, in batch order (every batch before
    // `head` is written; later windows of a meter replace earlier ones below).
    const group: SentBatch[] = [head];
    const at = this.#unwritten.indexOf(head);
    for (let i = at + 1; at >= 0 && i < this.#unwritten.length; i++) {
      const e = this.#unwritten[i];
      if (e.ackedAt === null) break;
      group.push(e);
    }
    // Each meter's latest: a window, or the partition of its tombstone (dropped as stale).
    const windows = new Map<string, MeterWindow | number>();
    const last = new Map<number, Msg>();
    for (const e of group) {
      for (const [meter, w] of e.windows) windows.set(meter, w);
      for (const [meter, partition] of e.evicted) windows.set(meter, partition);
      for (const m of e.batch) last.set(m.partition, m);
    }
    const changelog: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = [];
    for (const [meter, w] of windows) {
      const tombstone = typeof w === "number";
      changelog.push({
        topic: o.topics.changelog,
        key: Buffer.from(meter),
        // A null value deletes the key: compaction removes it, and a restore drops the window.
        value: tombstone ? null as unknown as Buffer : Buffer.from(encodeWindow(w)),
        // Co-partitioned with the readings: a new owner of partition p restores changelog p.
        partition: tombstone ? w : w.partition,
      });
    }
    const generation = this.#generation;
    const c0 = performance.now();
    if (changelog.length > 0) await this.#changelogProducer.send({ messages: changelog });
    o.metrics.stages.observe({ stage: "changelog_ack" }, (performance.now() - c0) / 1000);
    for (const e of group) e.written = true;
    // The scorer rejoined meanwhile (a failed restore): its batches are a new list, and these
    // offsets belong to the old assignment; the new owner starts from the committed ones.
    if (generation !== this.#generation) return;
    this.#unwritten = this.#unwritten.filter((e) => !e.written);

    // Offsets last: everything produced for these records is acknowledged. Not awaited: the
    // next batches' scoring overlaps the commit's round trip. Commits of one partition land in
    // order, and a lost one is covered by the next (or by the replay skip).
    for (const m of last.values()) {
      (m.commit() as Promise<void>).catch((err: unknown) => {
        o.metrics.commitFailures.inc();
        o.logger.warn("stream_commit_failed", { error: errorMessage(err) });
      });
    }
    o.metrics.produced.inc({ topic: o.topics.changelog }, changelog.length);
    o.logger.debug("stream_changelog_written", {
      batches: group.length,
      windows: changelog.length,
      duration_ms: Math.round(performance.now() - c0),
    });
    for (const { result } of group) {
      o.metrics.scored.inc(result.scored);
      o.metrics.anomalies.inc(result.anomalies.length);
      o.metrics.duplicatesSkipped.inc(result.replayed);
      for (const d of result.deadLetters) o.metrics.deadLetters.inc({ reason: d.reason });
      o.metrics.produced.inc({ topic: o.topics.anomalies }, result.anomalies.length);
      o.metrics.produced.inc({ topic: o.topics.deadLetters }, result.deadLetters.length);
      this.counts.scored += result.scored;
      this.counts.anomalies += result.anomalies.length;
      this.counts.deadLetters += result.deadLetters.length;
      this.counts.duplicatesSkipped += result.replayed;
      for (const d of result.deadLetters) {
        o.logger.warn("stream_dead_letter", {
          reason: d.reason,
          error: d.message,
          partition: d.record.partition,
          offset: d.record.offset.toString(),
        });
      }
    }
  }

  /**
   * Read the changelog partitions of `partitions` to their end into the windows, unless the
   * scorer rejoined meanwhile (`generation`): that rejoin restores them again.
   */
  async #restore(partitions: Set<number>, generation: number): Promise<void> {
    const o = this.#o;
    const start = performance.now();
    const topic = o.topics.changelog;
    const metadata = await this.#consumer.metadata({ topics: [topic] });
    const info = metadata.topics.get(topic);
    if (info === undefined) throw new Error(`Changelog topic ${topic} does not exist`);
    const next = new Map<number, bigint>();
    const end = new Map<number, bigint>();
    for (const p of partitions) next.set(p, 0n);
    let restored = 0;
    // Into a map of its own, applied at the end: nothing half-read, nothing from before a rejoin.
    const read = new Map<string, MeterWindow | null>();
    while (next.size > 0) {
      const byLeader = new Map<number, number[]>();
      for (const p of next.keys()) {
        const leader = info.partitions[p].leader;
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
      }
      for (const [node, list] of byLeader) {
        const response = await this.#consumer.fetch({
          node,
          maxWaitTime: 0,
          minBytes: 1,
          maxBytes: 16 << 20,
          topics: [{
            topicId: info.id,
            partitions: list.map((p) => ({
              partition: p,
              currentLeaderEpoch: -1,
              fetchOffset: next.get(p)!,
              lastFetchedEpoch: -1,
              partitionMaxBytes: 8 << 20,
            })),
          }],
        });
        for (const t of response.responses) {
          for (const part of t.partitions) {
            const p = part.partitionIndex;
            if (part.errorCode !== 0) {
              throw new Error(
                `Changelog ${topic}/${p} fetch failed with Kafka error ${part.errorCode}`,
              );
            }
            if (!end.has(p)) end.set(p, part.highWatermark);
            let offset = next.get(p)!;
            for (const b of part.records ?? []) {
              for (const r of b.records) {
                const at = b.firstOffset + BigInt(r.offsetDelta);
                if (at < offset) continue;
                offset = at + 1n;
                if (r.key === null) continue;
                const meter = r.key.toString();
                if (r.value === null) {
                  read.set(meter, null);
                  continue;
                }
                try {
                  read.set(meter, decodeWindow(r.value.toString()));
                  restored++;
                } catch (err) {
                  o.logger.warn("stream_changelog_bad_record", {
                    meter,
                    error: errorMessage(err),
                  });
                }
              }
            }
            if (offset >= end.get(p)!) next.delete(p);
            else next.set(p, offset);
          }
        }
      }
    }
    if (generation !== this.#generation) return;
    // A partition revoked while it was read is not ours: its next assignment restores it again.
    const owned = this.#owned;
    const mine = (p: number) => owned === null || owned.has(p);
    for (const [meter, w] of read) {
      if (w === null) this.#windows.delete(meter);
      else if (mine(w.partition)) this.#windows.set(meter, w);
    }
    for (const p of partitions) if (mine(p)) this.#restored.add(p);
    const ms = performance.now() - start;
    this.counts.restoreMs.push(ms);
    o.metrics.restoreSeconds.observe(ms / 1000);
    o.metrics.restoredWindows.inc(restored);
    o.logger.info("stream_restored", {
      partitions: [...partitions].sort((a, b) => a - b),
      windows: restored,
      duration_ms: Math.round(ms),
    });
  }

  #lastSweep = -Infinity;

  /**
   * Drop the windows gone stale (`windowTtlMs`) at most every `sweepIntervalMs`: one pass over
   * the windows, so its cost is spread thin. The dropped meters' tombstones ride with the
   * current batch's changelog write, after any earlier window of theirs.
   */
  #sweep(): Map<string, number> {
    const ttl = this.#o.windowTtlMs ?? 0;
    const now = performance.now();
    let evicted = new Map<string, number>();
    if (ttl > 0 && now - this.#lastSweep >= (this.#o.sweepIntervalMs ?? 10_000)) {
      this.#lastSweep = now;
      evicted = staleMeters(this.#windows, ttl, Date.now());
      for (const meter of evicted.keys()) this.#windows.delete(meter);
      this.counts.evicted += evicted.size;
      this.#o.metrics.evictedWindows.inc(evicted.size);
    }
    this.#o.metrics.windows.set(this.#windows.size);
    return evicted;
  }

  /** Meter windows held now. */
  get windowCount(): number {
    return this.#windows.size;
  }

  async #readLag(): Promise<void> {
    try {
      const lag = await this.#consumer.getLag({ topics: [this.#o.topics.readings] });
      const list = lag.get(this.#o.topics.readings) ?? [];
      this.#o.metrics.lag.reset();
      list.forEach((value, partition) => {
        if (value >= 0n) this.#o.metrics.lag.set({ partition: String(partition) }, Number(value));
      });
    } catch (err) {
      this.#o.logger.debug("stream_lag_failed", { error: errorMessage(err) });
    }
  }
}

/**
 * The streaming topics, their settings and their creation. One home for the
 * names: the scorer, the replay publisher, the check and the k8s topic Job's
 * script (rendered from here by its test) all read these.
 */
import { Admin } from "@platformatic/kafka";

/** Topic names of the streaming path. */
export const TOPICS = Object.freeze({
  readings: "grid.readings",
  anomalies: "grid.anomalies",
  deadLetters: "grid.readings.dlq",
  /** The scorer's per-meter windows (compacted, keyed by meter, co-partitioned with readings). */
  changelog: "grid.stream.windows",
});

/** Partition count and retention, from the environment. */
export interface TopicSettings {
  /** Partitions of readings and changelog (the most consumers that can share the work). */
  partitions: number;
  /** How long readings are kept (ms). */
  readingsRetentionMs: number;
  /** How long anomalies and dead letters are kept (ms). */
  outputRetentionMs: number;
}

const HOUR = 3_600_000;

/**
 * Defaults: 8 partitions (a consumer group scales to 8 scorers, well past what one 2-core
 * node needs, and few enough that a single broker restores them in well under a second);
 * readings kept 24 h (a day of replay for a scorer that was down overnight), anomalies and
 * dead letters 7 days (someone has to look at them).
 */
export const DEFAULT_TOPIC_SETTINGS: Readonly<TopicSettings> = Object.freeze({
  partitions: 8,
  readingsRetentionMs: 24 * HOUR,
  outputRetentionMs: 7 * 24 * HOUR,
});

function intVar(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Settings from `STREAM_PARTITIONS`, `READINGS_RETENTION_H`, `OUTPUT_RETENTION_H`. */
export function topicSettings(env: Record<string, string | undefined>): TopicSettings {
  return {
    partitions: intVar(env, "STREAM_PARTITIONS", DEFAULT_TOPIC_SETTINGS.partitions),
    readingsRetentionMs: intVar(env, "READINGS_RETENTION_H", 24) * HOUR,
    outputRetentionMs: intVar(env, "OUTPUT_RETENTION_H", 7 * 24) * HOUR,
  };
}

/** One topic to create: name, partitions and topic configs. */
export interface TopicSpec {
  name: string;
  partitions: number;
  configs: Record<string, string>;
}

/** Topic names of one deployment (or one run of the stream check). */
export interface TopicNames {
  readings: string;
  anomalies: string;
  deadLetters: string;
  changelog: string;
  /** Every reading's score; only created when named. */
  scores?: string;
}

/** The topics with their configs. */
export function topicSpecs(settings: TopicSettings, names: TopicNames = TOPICS): TopicSpec[] {
  const retention = (ms: number) => ({ "retention.ms": String(ms), "cleanup.policy": "delete" });
  const specs: TopicSpec[] = [
    {
      name: names.readings,
      partitions: settings.partitions,
      configs: retention(settings.readingsRetentionMs),
    },
    {
      name: names.anomalies,
      partitions: settings.partitions,
      configs: retention(settings.outputRetentionMs),
    },
    { name: names.deadLetters, partitions: 1, configs: retention(settings.outputRetentionMs) },
    {
      // Same partition count as readings: the window of a meter lives in the changelog
      // partition with the number of its readings' partition, so an owner restores only those.
      name: names.changelog,
      partitions: settings.partitions,
      configs: {
        "cleanup.policy": "compact",
        "min.cleanable.dirty.ratio": "0.1",
        "segment.ms": String(HOUR),
      },
    },
  ];
  if (names.scores !== undefined) {
    specs.push({
      name: names.scores,
      partitions: settings.partitions,
      configs: retention(settings.outputRetentionMs),
    });
  }
  return specs;
}

/** Create the topics that do not exist yet (existing ones are left as they are). */
export async function ensureTopics(
  bootstrap: string,
  settings: TopicSettings,
  names: TopicNames = TOPICS,
): Promise<void> {
  const admin = new Admin({ clientId: "anomaly-topics", bootstrapBrokers: [bootstrap] });
  try {
    const existing = new Set(await admin.listTopics());
    for (const spec of topicSpecs(settings, names)) {
      if (existing.has(spec.name)) continue;
      await admin.createTopics({
        topics: [spec.name],
        partitions: spec.partitions,
        replicas: 1,
        configs: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
      });
    }
  } finally {
    await admin.close();
  }
}

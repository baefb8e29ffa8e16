/**
 * The stream scorer's settings from the environment (the model settings come
 * from the backend's `config.ts`, so the scorer loads the very model a backend
 * replica with the same environment would serve).
 */
import { TOPICS } from "./topics.ts";
import type { StreamTopics } from "./stream_scorer.ts";

/** Stream settings. */
export interface StreamConfig {
  /** `KAFKA_BOOTSTRAP`: `host:port` of a broker (required). */
  bootstrap: string;
  /** `STREAM_GROUP`: the consumer group (default `anomaly-stream`). */
  groupId: string;
  /** `STREAM_*_TOPIC`: topic names (defaults in tools/kafka/topics.ts). */
  topics: StreamTopics;
  /** `STREAM_METRICS_PORT`: where `/metrics` and `/health` listen (default 9464; 0 picks one). */
  metricsPort: number;
  /** `STREAM_MAX_BATCH`: most records scored per batch (default 2000). */
  maxBatch: number;
  /**
   * `STREAM_WINDOW_TTL_S`: a meter's window is dropped once its last reading is this much older
   * (event time) than its partition's newest (default 3600; 0 keeps every window).
   */
  windowTtlS: number;
}

/** Read the stream settings; throws RangeError naming each bad variable. */
export function loadStreamConfig(env: Record<string, string | undefined>): StreamConfig {
  const problems: string[] = [];
  const bootstrap = env.KAFKA_BOOTSTRAP ?? "";
  if (!/^[A-Za-z0-9.\-]+:\d{1,5}$/.test(bootstrap)) {
    problems.push(`KAFKA_BOOTSTRAP must be host:port, got ${JSON.stringify(bootstrap)}`);
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };
  const config: StreamConfig = {
    bootstrap,
    groupId: env.STREAM_GROUP || "anomaly-stream",
    topics: {
      readings: env.STREAM_READINGS_TOPIC || TOPICS.readings,
      anomalies: env.STREAM_ANOMALIES_TOPIC || TOPICS.anomalies,
      deadLetters: env.STREAM_DEAD_LETTER_TOPIC || TOPICS.deadLetters,
      changelog: env.STREAM_CHANGELOG_TOPIC || TOPICS.changelog,
      ...(env.STREAM_SCORES_TOPIC ? { scores: env.STREAM_SCORES_TOPIC } : {}),
    },
    metricsPort: int("STREAM_METRICS_PORT", 9464, 0, 65535),
    maxBatch: int("STREAM_MAX_BATCH", 2000, 1, 100_000),
    windowTtlS: int("STREAM_WINDOW_TTL_S", 3600, 0, 30 * 86_400),
  };
  if (problems.length > 0) throw new RangeError(problems.join("; "));
  return config;
}

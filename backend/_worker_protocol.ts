/** Messages between the primary thread and server workers (`WORKERS` > 1). */
import type { Config } from "./config.ts";
import type { MetricsSnapshot } from "./metrics.ts";

/** Primary → worker. */
export type ToWorker =
  | {
    type: "start";
    config: Config;
    index: number;
    servedBy: string;
    /** The primary's start (seconds since the epoch), for `process_start_time_seconds`. */
    processStartTimeSeconds: number;
  }
  | { type: "model"; artifact: string; source: string; createdAt?: string; warning?: string }
  | { type: "challenger"; artifact: string | null; source: string | null }
  | { type: "refreshed"; id: number }
  | { type: "model_failed"; reason: string }
  | { type: "ready" }
  | { type: "snapshot"; id: number }
  | { type: "collected"; id: number; text: string }
  | { type: "drain" }
  | { type: "shutdown" };

/** Worker → primary. */
export type FromWorker =
  | { type: "listening"; index: number; port: number }
  | { type: "collect"; id: number }
  | { type: "snapshot"; id: number; data: MetricsSnapshot }
  | { type: "model_loaded"; index: number }
  | { type: "refresh"; id: number }
  | { type: "closed"; index: number };

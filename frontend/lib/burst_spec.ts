/**
 * What a burst sends and the bounds on it, shared by the burst form in the
 * page and the UI server that runs bursts (`frontend/bursts.ts`), and the
 * status the page polls.
 */
import type { Confusion, LatencySummary } from "./stats.ts";

/** What a burst sends. */
export interface BurstSpec {
  /** Requests per cycle. */
  requests: number;
  /** Requests in flight at once. */
  concurrency: number;
  cycles: number;
  /** Pause between cycles. */
  pauseMs: number;
  /** Readings per request. */
  batchSize: number;
  /** Share of simulated readings that are anomalous. */
  anomalyRate: number;
  /** Open a new backend connection for every request. */
  newConnection: boolean;
}

/** Inclusive bounds of every numeric field of {@link BurstSpec}. */
export const BURST_LIMITS: Readonly<
  Record<Exclude<keyof BurstSpec, "newConnection">, [number, number]>
> = {
  requests: [1, 5_000],
  concurrency: [1, 64],
  cycles: [1, 20],
  pauseMs: [0, 60_000],
  batchSize: [1, 1_000],
  anomalyRate: [0, 1],
};

/**
 * Bounds on a burst's total work, beyond the per-field limits: one small
 * request must not buy unbounded backend load or UI memory. Readings in
 * flight (concurrency × batch size) bound the bodies a burst holds at once.
 */
export const BURST_BUDGET = {
  /** requests × cycles. */
  requestsPerBurst: 20_000,
  /** requests × cycles × batchSize. */
  readingsPerBurst: 2_000_000,
  /** concurrency × batchSize. */
  readingsInFlight: 4_096,
} as const;

/** Where a burst stands. */
export type BurstState = "running" | "done" | "cancelled";

/** What the progress bar and the per-instance chart show. */
export interface BurstStatus {
  id: string;
  state: BurstState;
  spec: BurstSpec;
  /** requests × cycles. */
  total: number;
  /** Requests sent so far. */
  sent: number;
  /** Requests finished: `ok + failed + cancelled`; equals `sent` once the burst is over. */
  completed: number;
  /** Answered 200. */
  ok: number;
  /** Answered with another status, or no answer (unreachable, timeout). */
  failed: number;
  /** In flight when the burst was cancelled and aborted. */
  cancelled: number;
  /** 1-based cycle in progress (or last run). */
  cycle: number;
  /** Successful requests per `served_by`. */
  servedBy: Record<string, number>;
  /** Failures by HTTP status, or by "unreachable"/"timeout". */
  failures: Record<string, number>;
  latencyMs: LatencySummary;
  readings: number;
  flagged: number;
  confusion: Confusion;
  elapsedMs: number;
  /** The last failure's message, for the page to show. */
  lastError: string | null;
}

/**
 * Small statistics shared by the islands (in the browser) and the burst
 * runner (on the server): latency percentiles over a window and detection
 * quality against the simulator's labels.
 */

/** Average and tail latency of a window of requests, in milliseconds. */
export interface LatencySummary {
  count: number;
  avg: number | null;
  p95: number | null;
  p99: number | null;
}

/** The `p`-th percentile (0..100) of ascending `sorted` by the nearest-rank method; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Summarize latencies (any order). */
export function summarizeLatency(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, avg: null, p95: null, p99: null };
  const sorted = [...values].sort((a, b) => a - b);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    avg: sum / sorted.length,
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** A fixed-size window of the most recent numbers. */
export class RollingWindow {
  readonly #values: number[] = [];
  readonly #size: number;
  /** Keep at most `size` values. */
  constructor(size: number) {
    this.#size = size;
  }
  /** Add a value, dropping the oldest when full. */
  push(value: number): void {
    this.#values.push(value);
    if (this.#values.length > this.#size) this.#values.shift();
  }
  /** The values, oldest first. */
  values(): readonly number[] {
    return this.#values;
  }
}

/** Counts of a detector's verdicts against ground-truth labels. */
export interface Confusion {
  /** Flagged and truly anomalous. */
  tp: number;
  /** Flagged but normal. */
  fp: number;
  /** Missed: anomalous but not flagged. */
  fn: number;
  /** Normal and not flagged. */
  tn: number;
}

/** An all-zero {@link Confusion}. */
export function emptyConfusion(): Confusion {
  return { tp: 0, fp: 0, fn: 0, tn: 0 };
}

/** One prediction next to its label. */
export interface Verdict {
  /** The model flagged the reading. */
  flagged: boolean;
  /** The simulator labelled the reading anomalous. */
  truth: boolean;
}

/** Add one verdict to `c` (mutates and returns it). */
export function addVerdict(c: Confusion, { flagged, truth }: Verdict): Confusion {
  if (flagged && truth) c.tp++;
  else if (flagged) c.fp++;
  else if (truth) c.fn++;
  else c.tn++;
  return c;
}

/** Precision tp/(tp+fp), or null before anything was flagged. */
export function precision(c: Confusion): number | null {
  return c.tp + c.fp === 0 ? null : c.tp / (c.tp + c.fp);
}

/** Recall tp/(tp+fn), or null before any true anomaly was seen. */
export function recall(c: Confusion): number | null {
  return c.tp + c.fn === 0 ? null : c.tp / (c.tp + c.fn);
}

/** Format a ratio as a percentage with one decimal, or an em dash when undefined. */
export function formatRatio(value: number | null): string {
  return value === null ? "—" : `${(value * 100).toFixed(1)} %`;
}

/** Format milliseconds with one decimal, or an em dash when undefined. */
export function formatMs(value: number | null): string {
  return value === null ? "—" : `${value.toFixed(1)} ms`;
}

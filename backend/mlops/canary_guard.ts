/**
 * The canary guard's judgement: over a sliding window (`CANARY_WINDOW_S`) of
 * the per-version counters (`model_*` series, summed over workers), compare
 * the canary with the champion and name the first figure that left its band:
 *
 * - error rate: canary > champion + `CANARY_MAX_ERROR_RATE`;
 * - p99 latency: canary > `CANARY_MAX_P99_RATIO` × max(champion, 5 ms);
 * - anomaly rate: canary > `CANARY_MAX_ANOMALY_RATIO` × max(champion, 1 %).
 *
 * Nothing is judged before the canary answered `CANARY_MIN_REQUESTS` requests
 * in the window; the two ratio rules also wait for as many champion answers
 * (at 100 % the champion answers nothing, and only the error rule applies).
 * The floors keep a sub-millisecond p99 or a near-zero anomaly rate from
 * turning noise into a rollback. Pure: the caller supplies the clock.
 */
import type { MetricsSnapshot } from "../metrics/metrics.ts";
import type { Role } from "./canary_router.ts";

/** The guard's settings (`CANARY_*`). */
export interface GuardSettings {
  windowSeconds: number;
  maxErrorRate: number;
  maxP99Ratio: number;
  maxAnomalyRatio: number;
  minRequests: number;
}

/** p99 latencies below this are not compared as a ratio (seconds). */
export const P99_FLOOR_S = 0.005;
/** Anomaly rates below this are not compared as a ratio. */
export const ANOMALY_RATE_FLOOR = 0.01;

/** One version's cumulative counts, as read from the metrics. */
export interface Tally {
  version: string;
  requests: number;
  errors: number;
  readings: number;
  anomalies: number;
  /** Cumulative counts per latency bucket bound, with `bounds`. */
  buckets: number[];
  bounds: number[];
}

/** Both roles' counts at one moment. */
export type Tallies = Record<Role, Tally | null>;

/** One version's figures over the window. */
export interface RoleHealth {
  model_version: string;
  requests: number;
  error_rate: number | null;
  p99_seconds: number | null;
  anomaly_rate: number | null;
}

/** The guard's look at the window. */
export interface CanaryHealth {
  window_s: number;
  /** Seconds of data the figures cover (up to the window). */
  covered_s: number;
  champion: RoleHealth | null;
  canary: RoleHealth | null;
  /** True once the canary answered enough requests to be judged. */
  judged: boolean;
  /** The figure that left its band, with both values, or null. */
  breach: string | null;
}

/** Sum the `model_*` series of every worker's snapshot into each role's tally. */
export function talliesOf(snapshots: readonly MetricsSnapshot[]): Tallies {
  const out: Tallies = { champion: null, canary: null };
  const tally = (labels: Record<string, unknown>): Tally | null => {
    const role = labels.role;
    if (role !== "champion" && role !== "canary") return null;
    const version = String(labels.model_version);
    let t = out[role];
    // Two versions in one role: a worker has not reset yet; the latest pair wins at the next look.
    if (t === null || t.version !== version) {
      if (t !== null) return null;
      t = out[role] = {
        version,
        requests: 0,
        errors: 0,
        readings: 0,
        anomalies: 0,
        buckets: [],
        bounds: [],
      };
    }
    return t;
  };
  for (const snapshot of snapshots) {
    for (const metric of snapshot) {
      for (const v of metric.values) {
        const labels = v.labels as Record<string, unknown>;
        if (metric.name === "model_latency_seconds") {
          const name = (v as { metricName?: string }).metricName;
          if (name !== "model_latency_seconds_bucket" || labels.le === "+Inf") continue;
          const t = tally(labels);
          if (!t) continue;
          const bound = Number(labels.le);
          const i = t.bounds.indexOf(bound);
          if (i === -1) {
            t.bounds.push(bound);
            t.buckets.push(v.value);
          } else t.buckets[i] += v.value;
          continue;
        }
        const field = metric.name === "model_requests_total"
          ? (labels.outcome === "error" ? "errors" : "requests")
          : metric.name === "model_readings_total"
          ? "readings"
          : metric.name === "model_anomalies_total"
          ? "anomalies"
          : null;
        if (field === null) continue;
        const t = tally(labels);
        if (t) t[field] += v.value;
      }
    }
  }
  for (const t of [out.champion, out.canary]) {
    if (!t) continue;
    // Requests counts both outcomes.
    t.requests += t.errors;
    const order = t.bounds.map((b, i) => [b, t.buckets[i]]).sort((a, b) => a[0] - b[0]);
    t.bounds = order.map((o) => o[0]);
    t.buckets = order.map((o) => o[1]);
  }
  return out;
}

/** The 0.99 quantile of a cumulative bucket histogram (as PromQL's histogram_quantile). */
export function p99(
  bounds: readonly number[],
  cumulative: readonly number[],
  count: number,
): number | null {
  if (count <= 0) return null;
  const rank = 0.99 * count;
  for (let i = 0; i < bounds.length; i++) {
    if (cumulative[i] >= rank) {
      const lower = i === 0 ? 0 : bounds[i - 1];
      const below = i === 0 ? 0 : cumulative[i - 1];
      const inBucket = cumulative[i] - below;
      return inBucket > 0 ? lower + (bounds[i] - lower) * ((rank - below) / inBucket) : bounds[i];
    }
  }
  // Beyond the last finite bound: that bound is all a histogram can say.
  return bounds.at(-1) ?? null;
}

/** The figures between two tallies of the same version (later minus earlier). */
function healthOf(later: Tally, earlier: Tally | null): RoleHealth {
  const d = (k: "requests" | "errors" | "readings" | "anomalies") => later[k] - (earlier?.[k] ?? 0);
  const requests = d("requests");
  const buckets = later.buckets.map((c, i) => c - (earlier?.buckets[i] ?? 0));
  const readings = d("readings");
  return {
    model_version: later.version,
    requests,
    error_rate: requests > 0 ? d("errors") / requests : null,
    p99_seconds: p99(later.bounds, buckets, buckets.at(-1) === undefined ? 0 : requests),
    anomaly_rate: readings > 0 ? d("anomalies") / readings : null,
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const ms = (v: number) => `${(v * 1000).toFixed(1)} ms`;

/** The first figure of `canary` outside its band around `champion`, or null. */
export function judge(
  champion: RoleHealth | null,
  canary: RoleHealth,
  settings: GuardSettings,
): string | null {
  if (canary.requests < settings.minRequests) return null;
  const championErrors = champion?.error_rate ?? 0;
  if (canary.error_rate !== null && canary.error_rate > championErrors + settings.maxErrorRate) {
    return `error rate ${pct(canary.error_rate)} > champion ${pct(championErrors)} + ` +
      `CANARY_MAX_ERROR_RATE ${settings.maxErrorRate}`;
  }
  if (!champion || champion.requests < settings.minRequests) return null;
  if (canary.p99_seconds !== null && champion.p99_seconds !== null) {
    const limit = settings.maxP99Ratio * Math.max(champion.p99_seconds, P99_FLOOR_S);
    if (canary.p99_seconds > limit) {
      return `p99 latency ${ms(canary.p99_seconds)} > CANARY_MAX_P99_RATIO ` +
        `${settings.maxP99Ratio} x champion ${ms(champion.p99_seconds)} (floor ${ms(P99_FLOOR_S)})`;
    }
  }
  if (canary.anomaly_rate !== null && champion.anomaly_rate !== null) {
    const limit = settings.maxAnomalyRatio * Math.max(champion.anomaly_rate, ANOMALY_RATE_FLOOR);
    if (canary.anomaly_rate > limit) {
      return `anomaly rate ${pct(canary.anomaly_rate)} > CANARY_MAX_ANOMALY_RATIO ` +
        `${settings.maxAnomalyRatio} x champion ${pct(champion.anomaly_rate)}`;
    }
  }
  return null;
}

interface Sample {
  at: number;
  tallies: Tallies;
}

/** True when `later` continues `earlier`: same versions, no counter went down. */
function continues(earlier: Tallies, later: Tallies): boolean {
  for (const role of ["champion", "canary"] as const) {
    const a = earlier[role];
    const b = later[role];
    if (a === null) continue;
    if (b === null || a.version !== b.version) return false;
    if (b.requests < a.requests || b.readings < a.readings || b.anomalies < a.anomalies) {
      return false;
    }
  }
  return true;
}

/** The sliding window over the tallies and the judgement on it. */
export class CanaryGuard {
  readonly #settings: GuardSettings;
  #samples: Sample[] = [];

  /** A guard with an empty window. */
  constructor(settings: GuardSettings) {
    this.#settings = settings;
  }

  /** Forget the window (another canary, or none). */
  reset(): void {
    this.#samples = [];
  }

  /** Add the tallies read at `atMs` and judge the window ending there. */
  observe(atMs: number, tallies: Tallies): CanaryHealth {
    const windowMs = this.#settings.windowSeconds * 1000;
    const last = this.#samples.at(-1);
    // A new pair or a worker's reset: the window starts again from here.
    if (last && !continues(last.tallies, tallies)) this.#samples = [];
    this.#samples.push({ at: atMs, tallies });
    // Keep one sample at or before the window's start: the baseline the figures subtract.
    while (this.#samples.length > 1 && this.#samples[1].at <= atMs - windowMs) {
      this.#samples.shift();
    }
    const base = this.#samples[0];
    const role = (r: Role) => {
      const now = tallies[r];
      return now
        ? healthOf(now, base.tallies[r]?.version === now.version ? base.tallies[r] : null)
        : null;
    };
    const champion = role("champion");
    const canary = role("canary");
    const judged = canary !== null && canary.requests >= this.#settings.minRequests;
    return {
      window_s: this.#settings.windowSeconds,
      covered_s: Math.round((atMs - base.at) / 100) / 10,
      champion,
      canary,
      judged,
      breach: canary ? judge(champion, canary, this.#settings) : null,
    };
  }
}

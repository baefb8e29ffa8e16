/**
 * Canary routing for one serving instance: a share (`percent`) of `/predict`
 * requests is answered by the canary version instead of the champion. The
 * choice is sticky by meter: the first reading's `meter_id` is hashed to one
 * of 10,000 buckets and buckets below `percent` × 100 go to the canary, so a
 * meter gets the same answer source on every worker and replica (and keeps
 * the canary when the share grows). A request without `meter_id` is drawn at
 * random. Every answer is counted per version and role (`model_*` series),
 * which is what the canary guard compares.
 */
import type { Detector } from "../detector/mod.ts";
import type { LifecycleMetrics } from "../metrics/mlops_metrics.ts";
import { CounterSeries, HistogramSeries } from "../metrics/metric_series.ts";
import type { CanaryHealth } from "./canary_guard.ts";

/** Who answered a request. */
export type Role = "champion" | "canary";

/** The version chosen for one request. */
export interface Route {
  detector: Detector;
  role: Role;
}

/** The canary as a replica applies it and its guard judges it (plain data, sent to workers). */
export interface CanaryStatus {
  /** The canary alias's full version, or null when unset. */
  intended: string | null;
  /** The alias's share in percent (0 when unset). */
  percent: number;
  /** The full version routed to here, or null (the champion answers the share). */
  serving: string | null;
  /** Why the alias's version is not routed to, or null. */
  reason: string | null;
  /** Canaries this replica's guard rolled back so far. */
  rollbacks: number;
  /** The guard's latest look at the window, or null before it judged. */
  health: CanaryHealth | null;
}

/** No canary. */
export const NO_CANARY: CanaryStatus = Object.freeze({
  intended: null,
  percent: 0,
  serving: null,
  reason: null,
  rollbacks: 0,
  health: null,
});

/** Buckets a meter hashes into: a share is routed with 0.01 % resolution. */
const BUCKETS = 10_000;

/** The bucket (0 to 9,999) of a meter id: FNV-1a with a final avalanche (murmur3's fmix32). */
export function meterBucket(meterId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < meterId.length; i++) {
    h ^= meterId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % BUCKETS;
}

/** The `meter_id` of a /predict body's first reading, or undefined (read before validation). */
function firstMeter(body: unknown): string | undefined {
  const readings = (body as { readings?: unknown } | null)?.readings;
  if (!Array.isArray(readings)) return undefined;
  const id = (readings[0] as { meter_id?: unknown } | null)?.meter_id;
  return typeof id === "string" ? id : undefined;
}

/** The series of one version in one role. */
interface VersionSeries {
  ok: CounterSeries;
  error: CounterSeries;
  latency: HistogramSeries;
  readings: CounterSeries;
  anomalies: CounterSeries;
}

/** Options for {@link CanaryRouter}. */
export interface CanaryRouterOptions {
  metrics: LifecycleMetrics;
  /** Random source in [0, 1) for requests without a meter; default Math.random. */
  random?: () => number;
}

/** Routes requests between the champion and the canary and counts each version's answers. */
export class CanaryRouter {
  readonly #metrics: LifecycleMetrics;
  readonly #random: () => number;
  #canary: Detector | null = null;
  #cutoff = 0;
  #status: CanaryStatus = NO_CANARY;
  #rollbacksSeen = 0;
  /** The versions the `model_*` series hold now, per role. */
  readonly #pair: Record<Role, string | null> = { champion: null, canary: null };
  readonly #series = new Map<Role, VersionSeries>();

  /** A router without a canary. */
  constructor(options: CanaryRouterOptions) {
    this.#metrics = options.metrics;
    this.#random = options.random ?? Math.random;
  }

  /** The canary routed to, or null. */
  get canary(): Detector | null {
    return this.#canary;
  }

  /** The canary status as last received. */
  get status(): CanaryStatus {
    return this.#status;
  }

  /**
   * Apply `status`; `detector` is the canary's model when `status.serving` names
   * one (null routes nothing to a canary, whatever the alias says).
   */
  apply(status: CanaryStatus, detector: Detector | null): void {
    this.#status = status;
    // Only the version the status names (`sha256:` and 12 hex digits, as `info.version`).
    this.#canary = status.serving !== null && detector?.info.version === status.serving.slice(0, 19)
      ? detector
      : null;
    const percent = this.#canary ? status.percent : 0;
    this.#cutoff = Math.round(percent * (BUCKETS / 100));
    const m = this.#metrics;
    m.canaryPercent.set(percent);
    m.canaryServingMatchesAlias.set(status.intended === null || this.#canary !== null ? 1 : 0);
    if (status.rollbacks > this.#rollbacksSeen) {
      m.canaryRollbacks.inc(status.rollbacks - this.#rollbacksSeen);
      this.#rollbacksSeen = status.rollbacks;
    }
  }

  /** Which version answers a request with `body` (parsed, not yet validated). */
  choose(champion: Detector, body: unknown): Route {
    const canary = this.#canary;
    if (canary === null) return { detector: champion, role: "champion" };
    const meter = firstMeter(body);
    const inCanary = meter === undefined
      ? this.#random() * BUCKETS < this.#cutoff
      : meterBucket(meter) < this.#cutoff;
    return inCanary
      ? { detector: canary, role: "canary" }
      : { detector: champion, role: "champion" };
  }

  /** Count an answered request: its scoring time and what it gave. */
  answered(route: Route, seconds: number, readings: number, anomalies: number): void {
    const s = this.#seriesOf(route);
    s.ok.inc();
    s.latency.observe(seconds);
    s.readings.inc(readings);
    if (anomalies > 0) s.anomalies.inc(anomalies);
  }

  /** Count a request the model failed to score (the client got a 5xx). */
  failed(route: Route, seconds: number): void {
    const s = this.#seriesOf(route);
    s.error.inc();
    s.latency.observe(seconds);
  }

  #seriesOf(route: Route): VersionSeries {
    const version = route.detector.info.version;
    if (this.#pair[route.role] !== version) {
      // Another member of the pair: only the current pair's figures are exported.
      if (this.#pair[route.role] !== null) {
        const m = this.#metrics;
        for (const metric of [m.modelRequests, m.modelLatency, m.modelReadings, m.modelAnomalies]) {
          metric.reset();
        }
        this.#series.clear();
        this.#pair.champion = null;
        this.#pair.canary = null;
      }
      this.#pair[route.role] = version;
      this.#series.delete(route.role);
    }
    let s = this.#series.get(route.role);
    if (s === undefined) {
      const labels = { role: route.role, model_version: version };
      const m = this.#metrics;
      s = {
        ok: new CounterSeries(m.modelRequests, { ...labels, outcome: "ok" }),
        error: new CounterSeries(m.modelRequests, { ...labels, outcome: "error" }),
        latency: new HistogramSeries(m.modelLatency, labels),
        readings: new CounterSeries(m.modelReadings, labels),
        anomalies: new CounterSeries(m.modelAnomalies, labels),
      };
      // Both outcomes from the first answer on, so rate() sees the first error.
      s.error.inc(0);
      this.#series.set(route.role, s);
    }
    return s;
  }
}

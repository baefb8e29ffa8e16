/**
 * The autoscaling timeline: what the HPA scenario samples every couple of
 * seconds, the per-window load figures k6 reports, and the figures derived
 * from them (seconds to scale out, to reach the maximum, back to the minimum).
 * Pure functions; `timeline_test.ts` covers them.
 */

/** One sample of the backend's scale, `t` seconds after the load started (negative: before). */
export interface ScaleSample {
  t: number;
  /** Deployment `spec.replicas`: what the HPA decided. */
  spec: number;
  /** Deployment `status.readyReplicas`: pods in the Service's endpoints. */
  ready: number;
  /** The HPA's current average CPU utilisation in % of the request, when it has one. */
  cpu: number | null;
}

/** Load figures of one k6 window starting `t` seconds after the load started. */
export interface LoadWindow {
  t: number;
  ok: number;
  failed: number;
  /** p99 latency of successful requests in the window, ms; null when there were none. */
  p99_ms: number | null;
}

/** Figures the report keeps under `hpa`. */
export interface ScaleFigures {
  min_replicas: number;
  max_replicas: number;
  /** Seconds from load start until the HPA first asked for more than the minimum. */
  scale_out_s: number | null;
  /** Seconds from load start until the first added pod was ready (in the Service). */
  first_ready_s: number | null;
  /** Seconds from load start until the highest ready count was first reached. */
  max_s: number | null;
  /** Seconds from load end until the HPA was back at the minimum, and stayed there. */
  scale_in_s: number | null;
  /** Seconds from load end until the ready count was back at the minimum. */
  scale_in_ready_s: number | null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Derive the scale figures from samples, given the HPA minimum and the load end (s). */
export function scaleFigures(
  samples: readonly ScaleSample[],
  minReplicas: number,
  loadEndS: number,
): ScaleFigures {
  const during = samples.filter((s) => s.t >= 0);
  const maxReady = during.reduce((m, s) => Math.max(m, s.ready), 0);
  const firstT = (pred: (s: ScaleSample) => boolean) => {
    const hit = during.find(pred);
    return hit ? round1(hit.t) : null;
  };
  const backAt = (field: "spec" | "ready") => {
    const after = samples.filter((s) => s.t >= loadEndS);
    // The last time it was above the minimum; the sample after it is "back".
    let lastAbove = -1;
    after.forEach((s, i) => {
      if (s[field] > minReplicas) lastAbove = i;
    });
    const back = after[lastAbove + 1];
    if (!back || back[field] > minReplicas) return null;
    return round1(back.t - loadEndS);
  };
  return {
    min_replicas: minReplicas,
    max_replicas: maxReady,
    scale_out_s: firstT((s) => s.spec > minReplicas),
    first_ready_s: firstT((s) => s.ready > minReplicas),
    max_s: maxReady > 0 ? firstT((s) => s.ready === maxReady) : null,
    scale_in_s: backAt("spec"),
    scale_in_ready_s: backAt("ready"),
  };
}

/** A k6 `--summary-export` file, reduced to what the windows need. */
export interface K6Summary {
  metrics: Record<string, Record<string, number | unknown>>;
}

/** Number from a summary metric's field, or 0/null. */
function field(summary: K6Summary, metric: string, name: string): number | null {
  const value = summary.metrics[metric]?.[name];
  return typeof value === "number" ? value : null;
}

/** Per-window load figures from a `loadtest/k6/hpa.ts` summary; windows with no requests are left out. */
export function loadWindows(summary: K6Summary, windowS: number): LoadWindow[] {
  const indices = new Set<number>();
  for (const name of Object.keys(summary.metrics)) {
    const m = /^window_(?:ok|failed|latency)\{w:(\d+)\}$/.exec(name);
    if (m) indices.add(Number(m[1]));
  }
  return [...indices].sort((a, b) => a - b).map((w) => {
    const ok = field(summary, `window_ok{w:${w}}`, "count") ?? 0;
    const failed = field(summary, `window_failed{w:${w}}`, "count") ?? 0;
    const p99 = ok > 0 ? field(summary, `window_latency{w:${w}}`, "p(99)") : null;
    return { t: w * windowS, ok, failed, p99_ms: p99 === null ? null : round1(p99) };
  }).filter((w) => w.ok + w.failed > 0);
}

/** Totals the report keeps under `load`. */
export interface LoadTotals {
  scheduled: number;
  ok: number;
  failed: number;
  dropped: number;
  dropped_pct: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_vus: number | null;
}

/** Totals from a k6 summary: outcomes of `window_*` counters plus k6's dropped arrivals. */
export function loadTotals(summary: K6Summary): LoadTotals {
  let ok = 0;
  let failed = 0;
  for (const [name, m] of Object.entries(summary.metrics)) {
    const count = typeof m.count === "number" ? m.count : 0;
    if (/^window_ok\{/.test(name)) ok += count;
    if (/^window_failed\{/.test(name)) failed += count;
  }
  const dropped = field(summary, "dropped_iterations", "count") ?? 0;
  const scheduled = ok + failed + dropped;
  const latency = (name: string) => {
    const v = field(summary, "http_req_duration{endpoint:predict}", name);
    return v === null ? null : round1(v);
  };
  return {
    scheduled,
    ok,
    failed,
    dropped,
    dropped_pct: scheduled > 0 ? Math.round((dropped / scheduled) * 10000) / 100 : 0,
    p50_ms: latency("med"),
    p95_ms: latency("p(95)"),
    p99_ms: latency("p(99)"),
    max_vus: field(summary, "vus_max", "max") ?? field(summary, "vus_max", "value"),
  };
}

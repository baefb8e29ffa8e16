/**
 * Counts every request in `requests_total{path,method,status}` and
 * `request_latency_seconds{path,method}`, and the ones in progress in
 * `inflight_requests`. The labels come from closed sets (`routeLabel`,
 * `methodLabel`): never the raw path or method, so unknown URLs and made-up
 * methods cannot grow the series count. Reads the time from {@link timing},
 * which must run inside it.
 */
import type { MiddlewareHandler } from "hono";
import { CounterSeries, GaugeSeries, HistogramSeries } from "../../metrics/metric_series.ts";
import { methodLabel, type Metrics, routeLabel } from "../../metrics/metrics.ts";
import type { TimingVariables } from "./timing.ts";

/** Options for {@link requestMetrics}. */
export interface RequestMetricsOptions {
  metrics: Metrics;
  /** Route patterns served by the app; any other path is labelled `other`. */
  routes: ReadonlySet<string>;
}

/** Create the request-metrics middleware. */
export function requestMetrics(
  options: RequestMetricsOptions,
): MiddlewareHandler<{ Variables: TimingVariables }> {
  const { metrics, routes } = options;
  const recorder = new RequestRecorder(metrics);
  const inflight = new GaugeSeries(metrics.inflight);
  return async function requestMetrics(c, next) {
    inflight.inc();
    try {
      await next();
    } finally {
      inflight.dec();
      recorder.record(
        routeLabel(c.req.path, routes),
        methodLabel(c.req.method),
        c.res.status,
        c.get("elapsedSeconds") ?? 0,
      );
    }
  };
}

/**
 * Records one request in the two request metrics. Each (path, method,
 * status) gets its series bound once ({@link CounterSeries},
 * {@link HistogramSeries}); the label sets are closed, so the cache is
 * bounded, and recording allocates nothing and hashes no labels.
 */
export class RequestRecorder {
  readonly #metrics: Metrics;
  /** path → method → status → series: found without building a key string per request. */
  readonly #series = new Map<
    string,
    Map<string, Map<number, { count: CounterSeries; latency: HistogramSeries }>>
  >();

  /** Record into `metrics`. */
  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  /** Count a request answered with `status` after `seconds`. */
  record(path: string, method: string, status: number, seconds: number): void {
    let byMethod = this.#series.get(path);
    if (byMethod === undefined) this.#series.set(path, byMethod = new Map());
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, byStatus = new Map());
    let series = byStatus.get(status);
    if (series === undefined) {
      series = {
        count: new CounterSeries(this.#metrics.requestsTotal, {
          path,
          method,
          status: String(status),
        }),
        latency: new HistogramSeries(this.#metrics.requestLatency, { path, method }),
      };
      byStatus.set(status, series);
    }
    series.count.inc();
    series.latency.observe(seconds);
  }
}

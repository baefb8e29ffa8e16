/**
 * Counts every request in `requests_total{path,method,status}` and
 * `request_latency_seconds{path,method}`, and the ones in progress in
 * `inflight_requests`. The labels come from closed sets (`routeLabel`,
 * `methodLabel`): never the raw path or method, so unknown URLs and made-up
 * methods cannot grow the series count. `request_envelope.ts` records every
 * request here.
 */
import { CounterSeries, HistogramSeries } from "../../metrics/metric_series.ts";
import type { Metrics } from "../../metrics/metrics.ts";

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

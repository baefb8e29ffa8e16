/**
 * The Grafana dashboard for the anomaly backend, built in code so its PromQL
 * can be tested (every query runs against a real Prometheus in
 * `prometheus_e2e_test.ts`). `sync.ts` writes it to
 * `grafana/dashboards/anomaly-backend.json` (compose `monitoring` profile) and
 * to `k8s/components/monitoring/` (kube-prometheus-stack's sidecar ConfigMap).
 *
 * Queries use only the backend's documented metrics (backend/metrics/metrics.ts); the
 * replica count is the number of scraped instances (`count(model_ready)`), not
 * kube-state-metrics, so the same dashboard works in compose and on kind.
 */

/** One PromQL target of a panel. */
export interface DashboardQuery {
  expr: string;
  legendFormat: string;
}

/** Grafana panel JSON (the subset we generate). */
export interface Panel {
  id: number;
  type: "timeseries" | "stat";
  title: string;
  description: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: "prometheus"; uid: "${datasource}" };
  targets: (DashboardQuery & { refId: string; datasource: Panel["datasource"] })[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
  options: Record<string, unknown>;
}

/** Dashboard uid: stable, so links and provisioning updates keep pointing at it. */
export const DASHBOARD_UID = "anomaly-backend";

const DS = { type: "prometheus", uid: "${datasource}" } as const;
const SEL = `job="$job"`;
const PREDICT = `${SEL},path="/predict"`;
const RI = "$__rate_interval";

function quantiles(metric: string, selector: string): DashboardQuery[] {
  return [0.5, 0.95, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (le) (rate(${metric}_bucket{${selector}}[${RI}])))`,
    legendFormat: `p${q * 100}`,
  }));
}

interface PanelSpec {
  type?: Panel["type"];
  title: string;
  description: string;
  unit: string;
  queries: DashboardQuery[];
  w?: number;
  h?: number;
  max?: number;
  thresholds?: { value: number | null; color: string }[];
}

const SPECS: PanelSpec[] = [
  {
    type: "stat",
    title: "/predict rate",
    description: "Requests per second to /predict, all instances.",
    unit: "reqps",
    queries: [{ expr: `sum(rate(requests_total{${PREDICT}}[${RI}]))`, legendFormat: "req/s" }],
    w: 6,
    h: 4,
  },
  {
    type: "stat",
    title: "/predict error ratio",
    description: "Share of /predict requests answered with a 5xx (alert above 5 %).",
    unit: "percentunit",
    queries: [{
      expr: `sum(rate(requests_total{${PREDICT},status=~"5.."}[${RI}])) / ` +
        `sum(rate(requests_total{${PREDICT}}[${RI}]))`,
      legendFormat: "errors",
    }],
    w: 6,
    h: 4,
    thresholds: [{ value: null, color: "green" }, { value: 0.01, color: "orange" }, {
      value: 0.05,
      color: "red",
    }],
  },
  {
    type: "stat",
    title: "Within the 0.3 s SLO",
    description: "Share of /predict requests answered within 0.3 s (objective 99 %).",
    unit: "percentunit",
    queries: [{
      expr: `sum(rate(request_latency_seconds_bucket{${PREDICT},le="0.3"}[${RI}])) / ` +
        `sum(rate(request_latency_seconds_count{${PREDICT}}[${RI}]))`,
      legendFormat: "within SLO",
    }],
    w: 6,
    h: 4,
    thresholds: [{ value: null, color: "red" }, { value: 0.99, color: "green" }],
  },
  {
    type: "stat",
    title: "Ready / scraped instances",
    description: "Instances reporting model_ready=1, and instances scraped at all.",
    unit: "short",
    queries: [
      { expr: `sum(model_ready{${SEL}})`, legendFormat: "ready" },
      { expr: `count(model_ready{${SEL}})`, legendFormat: "scraped" },
    ],
    w: 6,
    h: 4,
  },
  {
    title: "Request rate by status",
    description: "All routes except /metrics, by HTTP status code.",
    unit: "reqps",
    queries: [{
      expr: `sum by (status) (rate(requests_total{${SEL},path!="/metrics"}[${RI}]))`,
      legendFormat: "{{status}}",
    }],
  },
  {
    title: "/predict latency (p50 / p95 / p99)",
    description: "From request_latency_seconds; the 0.3 s SLO bound is a bucket edge.",
    unit: "s",
    queries: quantiles("request_latency_seconds", PREDICT),
  },
  {
    title: "Inference latency (p50 / p95 / p99)",
    description: "Model scoring time per /predict batch (inference_latency_seconds).",
    unit: "s",
    queries: quantiles("inference_latency_seconds", SEL),
  },
  {
    title: "Anomaly rate",
    description: "Share of scored readings flagged (about CONTAMINATION on normal data), " +
      "and flagged readings per second.",
    unit: "percentunit",
    queries: [
      {
        expr:
          `sum(rate(anomalies_total{${SEL}}[${RI}])) / sum(rate(readings_total{${SEL}}[${RI}]))`,
        legendFormat: "flagged share",
      },
      { expr: `sum(rate(anomalies_total{${SEL}}[${RI}]))`, legendFormat: "flagged/s" },
    ],
  },
  {
    title: "/predict rate per instance",
    description: "How evenly the Service spreads load over pods (instance = pod name on " +
      "Kubernetes, host:port in compose).",
    unit: "reqps",
    queries: [{
      expr: `sum by (instance) (rate(requests_total{${PREDICT}}[${RI}]))`,
      legendFormat: "{{instance}}",
    }],
  },
  {
    title: "Replicas",
    description: "Scraped instances and those with the model loaded; watch it follow the " +
      "HPA during the ramp and spike k6 scripts.",
    unit: "short",
    queries: [
      { expr: `count(model_ready{${SEL}})`, legendFormat: "scraped" },
      { expr: `sum(model_ready{${SEL}})`, legendFormat: "ready" },
    ],
  },
  {
    title: "In-flight requests",
    description: "Requests being handled right now, per instance.",
    unit: "short",
    queries: [{
      expr: `sum by (instance) (inflight_requests{${SEL}})`,
      legendFormat: "{{instance}}",
    }],
  },
  {
    title: "Readings per request (p50 / p95)",
    description: "Batch size distribution of /predict (predict_batch_size).",
    unit: "short",
    queries: quantiles("predict_batch_size", SEL).filter((q) => q.legendFormat !== "p99"),
  },
  {
    title: "Input drift (PSI per feature)",
    description: "Population stability index of each feature over the latest DRIFT_WINDOW " +
      "readings against the champion's training data, averaged over replicas. Below 0.1: no " +
      "shift; 0.1 to 0.25: moderate; above 0.25 (red line): significant, the alert fires " +
      "after 15 minutes.",
    unit: "short",
    thresholds: [
      { value: null, color: "green" },
      { value: 0.1, color: "orange" },
      { value: 0.25, color: "red" },
    ],
    queries: [{
      expr: `avg by (feature) (feature_drift_psi{${SEL}})`,
      legendFormat: "{{feature}}",
    }],
  },
  {
    title: "Drift tests (KS per feature, MMD)",
    description: "P-values of each feature's Kolmogorov-Smirnov test and of the MMD test on " +
      "whole readings: the window (last DRIFT_WINDOW_S, at most DRIFT_WINDOW readings) against " +
      "the champion's training sample, the smallest over replicas. Below DRIFT_ALPHA / (features " +
      "+ 1) (Bonferroni; 0.0025 by default) with a KS statistic of at least DRIFT_MIN_KS is a " +
      "drift verdict. Absent: fewer than DRIFT_MIN_READINGS readings.",
    unit: "short",
    max: 1,
    thresholds: [
      { value: null, color: "red" },
      { value: 0.0025, color: "green" },
    ],
    queries: [
      {
        expr: `min by (feature) (feature_drift_p_value{${SEL},test="ks"})`,
        legendFormat: "KS {{feature}}",
      },
      { expr: `min(input_drift_p_value{${SEL},test="mmd"})`, legendFormat: "MMD (all features)" },
    ],
  },
  {
    title: "Drift verdicts and window",
    description: "1: drift (the AnomalyBackendInputDrift and AnomalyBackendMultivariateDrift " +
      "alerts fire after 10 minutes of it), 0: no drift; per feature and for whole readings " +
      "(the largest over replicas). Absent: no verdict (too few readings, or no training sample).",
    unit: "short",
    queries: [
      {
        expr: `max by (feature) (feature_drift_detected{${SEL}})`,
        legendFormat: "{{feature}}",
      },
      { expr: `max(input_drift_detected{${SEL},test="mmd"})`, legendFormat: "all features (MMD)" },
    ],
  },
  {
    title: "Champion and challenger",
    description: "Which model versions serve (model_info) and score in the shadow " +
      "(challenger_info), by instance: after a promotion every instance moves within MODEL_POLL_S.",
    unit: "short",
    queries: [
      { expr: `count by (version) (model_info{${SEL}})`, legendFormat: "champion {{version}}" },
      {
        expr: `count by (version) (challenger_info{${SEL}})`,
        legendFormat: "challenger {{version}}",
      },
    ],
  },
  {
    title: "Shadow agreement and challenger anomaly rate",
    description: "Share of shadowed readings on which the challenger agrees with the champion, " +
      "the challenger's flagged share next to the champion's, and readings dropped because " +
      "the shadow queue was full.",
    unit: "percentunit",
    max: 1,
    queries: [
      {
        expr: `sum(rate(shadow_predictions_total{${SEL},agree="true"}[${RI}])) / ` +
          `sum(rate(shadow_predictions_total{${SEL}}[${RI}]))`,
        legendFormat: "agreement",
      },
      {
        expr: `sum(rate(shadow_anomalies_total{${SEL}}[${RI}])) / ` +
          `sum(rate(shadow_predictions_total{${SEL}}[${RI}]))`,
        legendFormat: "challenger flagged share",
      },
      {
        expr:
          `sum(rate(anomalies_total{${SEL}}[${RI}])) / sum(rate(readings_total{${SEL}}[${RI}]))`,
        legendFormat: "champion flagged share",
      },
      {
        expr: `sum(rate(shadow_dropped_total{${SEL}}[${RI}])) / ` +
          `(sum(rate(shadow_predictions_total{${SEL}}[${RI}])) + ` +
          `sum(rate(shadow_dropped_total{${SEL}}[${RI}])))`,
        legendFormat: "dropped share",
      },
    ],
  },
  {
    title: "Shadow latency (p50 / p95 / p99)",
    description: "Challenger scoring time per shadowed request, off the response path; compare " +
      "with the champion's inference latency.",
    unit: "s",
    queries: quantiles("shadow_latency_seconds", SEL),
  },
  {
    title: "Live precision per model version (feedback)",
    description: "Confirmed alarms over labeled alarms (tp / (tp + fp)) from POST /feedback, per " +
      "model version: the champion's and the challenger's on the same labels.",
    unit: "percentunit",
    max: 1,
    queries: [{
      expr: `(sum by (model_version) (increase(feedback_total{${SEL},outcome="tp"}[1h])) or ` +
        `0 * sum by (model_version) (increase(feedback_total{${SEL},outcome="fp"}[1h]))) / ` +
        `sum by (model_version) (increase(feedback_total{${SEL},outcome=~"tp|fp"}[1h]))`,
      legendFormat: "{{model_version}}",
    }],
  },
  {
    title: "Canary share",
    description: "Share of /predict requests the canary answered, next to the share it is " +
      "given (canary_percent, per instance: 0 where its version cannot be loaded).",
    unit: "percentunit",
    max: 1,
    queries: [
      {
        expr: `sum(rate(model_requests_total{${SEL},role="canary"}[${RI}])) / ` +
          `sum(rate(model_requests_total{${SEL}}[${RI}]))`,
        legendFormat: "answered by the canary",
      },
      { expr: `max(canary_percent{${SEL}}) / 100`, legendFormat: "given" },
    ],
    w: 8,
  },
  {
    title: "Canary against champion: error and anomaly rate",
    description:
      "What the canary guard compares (CANARY_MAX_ERROR_RATE, CANARY_MAX_ANOMALY_RATIO), " +
      "per role: the share of requests the model failed, and the share of readings it flagged.",
    unit: "percentunit",
    queries: [
      {
        expr: `sum by (role) (rate(model_requests_total{${SEL},outcome="error"}[${RI}])) / ` +
          `sum by (role) (rate(model_requests_total{${SEL}}[${RI}]))`,
        legendFormat: "{{role}} errors",
      },
      {
        expr: `sum by (role) (rate(model_anomalies_total{${SEL}}[${RI}])) / ` +
          `sum by (role) (rate(model_readings_total{${SEL}}[${RI}]))`,
        legendFormat: "{{role}} flagged",
      },
    ],
    w: 8,
  },
  {
    title: "Canary against champion: p99 scoring latency",
    description: "p99 time each role took to validate and score a request " +
      "(CANARY_MAX_P99_RATIO), and the canaries rolled back in the last hour.",
    unit: "s",
    queries: [
      {
        expr: `histogram_quantile(0.99, sum by (le, role) ` +
          `(rate(model_latency_seconds_bucket{${SEL}}[${RI}])))`,
        legendFormat: "{{role}} p99",
      },
      {
        expr: `sum(increase(canary_rollbacks_total{${SEL}}[1h]))`,
        legendFormat: "rollbacks (1 h)",
      },
    ],
    w: 8,
  },
];

/** Every PromQL expression on the dashboard, in panel order. */
export function dashboardQueries(): string[] {
  return SPECS.flatMap((s) => s.queries.map((q) => q.expr));
}

function panel(spec: PanelSpec, id: number, x: number, y: number): Panel {
  const type = spec.type ?? "timeseries";
  return {
    id,
    type,
    title: spec.title,
    description: spec.description,
    gridPos: { x, y, w: spec.w ?? 12, h: spec.h ?? 8 },
    datasource: DS,
    targets: spec.queries.map((q, i) => ({
      ...q,
      refId: String.fromCharCode(65 + i),
      datasource: DS,
    })),
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        ...(spec.max !== undefined ? { max: spec.max } : {}),
        ...(spec.thresholds ? { thresholds: { mode: "absolute", steps: spec.thresholds } } : {}),
        ...(type === "timeseries" ? { custom: { lineWidth: 1, fillOpacity: 10 } } : {}),
      },
      overrides: [],
    },
    options: type === "stat"
      ? { reduceOptions: { calcs: ["lastNotNull"] }, colorMode: "value", graphMode: "area" }
      : { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } },
  };
}

/** The dashboard as Grafana JSON (schema 39, Grafana 10/11). */
export function buildDashboard(): Record<string, unknown> {
  const panels: Panel[] = [];
  let x = 0, y = 0, rowH = 0;
  SPECS.forEach((spec, i) => {
    const w = spec.w ?? 12, h = spec.h ?? 8;
    if (x + w > 24) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    panels.push(panel(spec, i + 1, x, y));
    x += w;
    rowH = Math.max(rowH, h);
  });
  return {
    uid: DASHBOARD_UID,
    title: "Anomaly backend",
    description: "Grid anomaly detection service: traffic, latency SLO, model output, replicas.",
    tags: ["anomaly", "workshop"],
    timezone: "browser",
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: "10s",
    time: { from: "now-30m", to: "now" },
    templating: {
      list: [
        {
          name: "datasource",
          label: "Data source",
          type: "datasource",
          query: "prometheus",
          current: {},
          hide: 0,
        },
        {
          name: "job",
          label: "Job",
          type: "query",
          datasource: DS,
          // The plain-string form: every Grafana version reads it (newer ones migrate it).
          query: "label_values(model_ready, job)",
          definition: "label_values(model_ready, job)",
          current: { text: "anomaly-backend", value: "anomaly-backend" },
          refresh: 2,
          hide: 0,
        },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

import assert from "node:assert/strict";
import { relative } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { createMetrics } from "../backend/metrics/metrics.ts";
import { skipUnless } from "../testing/tools.ts";
import { buildDashboard, dashboardQueries, type Panel } from "./dashboard.ts";
import { generatedFiles, staleFiles } from "./sync.ts";

const here = (p: string) => new URL(p, import.meta.url).pathname;
const RULES = here("rules/anomaly_backend.rules.yml");

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

function rules(): Rule[] {
  return (parse(Deno.readTextFileSync(RULES)) as RuleFile).groups.flatMap((g) => g.rules);
}

async function run(cmd: string, args: string[], cwd?: string) {
  const out = await new Deno.Command(cmd, {
    args,
    ...(cwd ? { cwd } : {}),
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

/** Metric names the backend exports, with the series a histogram expands to. */
async function backendSeriesNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of await createMetrics().registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === "histogram") {
      for (const s of ["_bucket", "_sum", "_count"]) names.add(m.name + s);
    }
  }
  return names;
}

/** Metric names a PromQL expression selects (names followed by `{` or `[`, and `a:b:c` names). */
function metricNames(expr: string): string[] {
  const found = new Set<string>();
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const m of withoutStrings.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]/g)) found.add(m[1]);
  for (const m of withoutStrings.matchAll(/\b([a-zA-Z_]+:[a-zA-Z0-9_:]+)/g)) found.add(m[1]);
  return [...found];
}

Deno.test(
  "rules file passes promtool check rules",
  { ignore: skipUnless("promtool") },
  async () => {
    const { code, text } = await run("promtool", ["check", "rules", RULES]);
    assert.equal(code, 0, text);
    assert.match(text, new RegExp(`SUCCESS: ${rules().length} rules found`));
  },
);

Deno.test(
  "promtool test rules: every alert fires and stays quiet in its unit tests",
  { ignore: skipUnless("promtool") },
  async () => {
    const { code, text } = await run(
      "promtool",
      ["test", "rules", "anomaly_backend.rules_test.yml"],
      here("rules/"),
    );
    assert.equal(code, 0, text);
    const tests = parse(Deno.readTextFileSync(here("rules/anomaly_backend.rules_test.yml"))) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const alert of rules().filter((r) => r.alert).map((r) => r.alert!)) {
      const mine = cases.filter((c) => c.alertname === alert);
      assert.ok(mine.some((c) => c.exp_alerts.length > 0), `${alert} is never shown firing`);
      assert.ok(mine.some((c) => c.exp_alerts.length === 0), `${alert} is never shown quiet`);
    }
  },
);

Deno.test("the required alerts exist with a severity", () => {
  const alerts = rules().filter((r) => r.alert);
  assert.deepEqual(alerts.map((a) => a.alert).sort(), [
    "AnomalyBackendAnomalyRateSpike",
    "AnomalyBackendCanaryRolledBack",
    "AnomalyBackendFeatureDrift",
    "AnomalyBackendHighErrorRatio",
    "AnomalyBackendInputDrift",
    "AnomalyBackendLatencySLOFastBurn",
    "AnomalyBackendLatencySLOSlowBurn",
    "AnomalyBackendLowLivePrecision",
    "AnomalyBackendMultivariateDrift",
    "AnomalyBackendNoReadyInstance",
    "AnomalyBackendNotServingChampion",
    "AnomalyBackendShadowDisagreement",
  ]);
  for (const a of alerts) assert.ok(["warning", "critical"].includes(a.labels?.severity ?? ""));
});

Deno.test("rules and dashboard use only metrics the backend exports", async () => {
  const exported = await backendSeriesNames();
  const recorded = new Set(rules().filter((r) => r.record).map((r) => r.record!));
  const exprs = [...rules().map((r) => r.expr), ...dashboardQueries()];
  for (const expr of exprs) {
    for (const name of metricNames(expr)) {
      assert.ok(exported.has(name) || recorded.has(name), `unknown metric ${name} in: ${expr}`);
    }
  }
  // The workshop's four names are all on the dashboard.
  const used = new Set(dashboardQueries().flatMap(metricNames));
  for (
    const n of [
      "requests_total",
      "request_latency_seconds_bucket",
      "inference_latency_seconds_bucket",
      "anomalies_total",
    ]
  ) assert.ok(used.has(n), `dashboard does not use ${n}`);
});

Deno.test("metricNames() finds selectors and recording rules, not labels or functions", () => {
  assert.deepEqual(
    metricNames('sum by (le) (rate(a_bucket{path="/x{y}",le="0.3"}[5m])) / b[1m] > job:c:rate5m'),
    ["a_bucket", "b", "job:c:rate5m"],
  );
});

Deno.test("generated dashboard and PrometheusRule are up to date (deno task observability:sync)", () => {
  assert.deepEqual(staleFiles(), []);
});

Deno.test("the PrometheusRule carries exactly the rules file's groups", () => {
  const rule = parse(generatedFiles().get("k8s/components/monitoring/prometheusrule.yaml")!) as {
    kind: string;
    spec: RuleFile;
  };
  assert.equal(rule.kind, "PrometheusRule");
  assert.deepEqual(rule.spec.groups, (parse(Deno.readTextFileSync(RULES)) as RuleFile).groups);
});

Deno.test("dashboard panels have unique ids, fit the grid and query through the variable", () => {
  const d = buildDashboard() as { uid: string; panels: Panel[] };
  assert.equal(d.uid, "anomaly-backend");
  const ids = d.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  const titles = d.panels.map((p) => p.title.toLowerCase()).join(" | ");
  for (const want of ["status", "latency", "inference", "anomaly", "per instance", "replicas"]) {
    assert.ok(titles.includes(want), `no panel about ${want}: ${titles}`);
  }
  for (const p of d.panels) {
    assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${p.title} overflows the grid`);
    assert.ok(p.targets.length > 0);
    for (const t of p.targets) {
      assert.equal(t.datasource.uid, "${datasource}");
      assert.match(t.expr, /job="\$job"/);
    }
  }
});

Deno.test("prometheus.yml scrapes backend:8000 as job anomaly-backend and loads the rules", async () => {
  const cfg = parse(Deno.readTextFileSync(here("prometheus.yml"))) as {
    rule_files: string[];
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };
  const job = cfg.scrape_configs.find((s) => s.job_name === "anomaly-backend");
  assert.ok(job);
  assert.deepEqual(job.static_configs[0].targets, ["backend:8000"]);
  assert.ok(cfg.rule_files.some((f) => f.endsWith("/anomaly_backend.rules.yml")));
  if (!skipUnless("promtool")) {
    const { code, text } = await run("promtool", [
      "check",
      "config",
      "--syntax-only",
      here("prometheus.yml"),
    ]);
    assert.equal(code, 0, text);
  }
});

Deno.test("grafana provisioning points at the compose Prometheus and the dashboards folder", () => {
  const ds = parse(
    Deno.readTextFileSync(here("grafana/provisioning/datasources/prometheus.yml")),
  ) as { datasources: { type: string; url: string }[] };
  assert.equal(ds.datasources[0].type, "prometheus");
  assert.equal(ds.datasources[0].url, "http://prometheus:9090");
  const prov = parse(
    Deno.readTextFileSync(here("grafana/provisioning/dashboards/anomaly.yml")),
  ) as { providers: { options: { path: string } }[] };
  assert.equal(prov.providers[0].options.path, "/var/lib/grafana/dashboards");
  JSON.parse(Deno.readTextFileSync(here("grafana/dashboards/anomaly-backend.json")));
});

Deno.test(
  "k8s monitoring component renders a ServiceMonitor for the backend Service, the rules and a sidecar ConfigMap",
  { ignore: skipUnless("kubectl") },
  async () => {
    const { code, text } = await run("kubectl", [
      "kustomize",
      here("../k8s/components/monitoring"),
    ]);
    assert.equal(code, 0, text);
    // deno-lint-ignore no-explicit-any
    const docs = parseAllDocuments(text).map((d) => d.toJS() as any);
    const cm = docs.find((d) => d.kind === "ConfigMap");
    assert.equal(cm.metadata.name, "anomaly-backend-dashboard");
    assert.equal(cm.metadata.labels.grafana_dashboard, "1");
    assert.deepEqual(JSON.parse(cm.data["anomaly-backend-dashboard.json"]), buildDashboard());
    const sm = docs.find((d) => d.kind === "ServiceMonitor");
    const service = parse(Deno.readTextFileSync(here("../k8s/base/backend-service.yaml")));
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) {
      assert.equal(service.metadata.labels[k], v, `Service lacks label ${k}=${v}`);
    }
    const ports = service.spec.ports.map((p: { name: string }) => p.name);
    assert.ok(ports.includes(sm.spec.endpoints[0].port), `Service has no port named http`);
    assert.equal(sm.spec.endpoints[0].path, "/metrics");
    assert.ok(docs.some((d) => d.kind === "PrometheusRule"));
    for (const d of docs) assert.equal(d.metadata.namespace, "anomaly");
  },
);

Deno.test(
  "the monitoring component added to the dev overlay lands in the backend's namespace",
  { ignore: skipUnless("kubectl") },
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "kustomize-monitoring-" });
    try {
      const root = here("../");
      const rel = (p: string) => relative(dir, `${root}${p}`);
      await Deno.writeTextFile(
        `${dir}/kustomization.yaml`,
        [
          "apiVersion: kustomize.config.k8s.io/v1beta1",
          "kind: Kustomization",
          "resources:",
          `  - ${rel("k8s/overlays/dev")}`,
          "components:",
          `  - ${rel("k8s/components/monitoring")}`,
          "",
        ].join("\n"),
      );
      const { code, text } = await run("kubectl", ["kustomize", dir]);
      assert.equal(code, 0, text);
      // deno-lint-ignore no-explicit-any
      const docs = parseAllDocuments(text).map((d) => d.toJS() as any);
      const service = docs.find((d) =>
        d.kind === "Service" && d.metadata.name === "anomaly-backend"
      );
      const sm = docs.find((d) => d.kind === "ServiceMonitor");
      assert.equal(sm.metadata.namespace, service.metadata.namespace);
      assert.deepEqual(sm.spec.namespaceSelector.matchNames, [service.metadata.namespace]);
      for (const kind of ["PrometheusRule", "ConfigMap"]) {
        assert.ok(
          docs.some((d) => d.kind === kind && d.metadata.namespace === service.metadata.namespace),
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("ServiceMonitor and PrometheusRule validate against the prometheus-operator schemas", () => {
  const sm = parse(Deno.readTextFileSync(here("../k8s/components/monitoring/servicemonitor.yaml")));
  new ServiceMonitor(sm).validate();
  const rule = parse(generatedFiles().get("k8s/components/monitoring/prometheusrule.yaml")!);
  new PrometheusRule(rule).validate();
  // The schema does catch mistakes: a scrape interval in words is rejected.
  const bad = structuredClone(sm);
  bad.spec.endpoints[0].interval = "15 seconds";
  assert.throws(() => new ServiceMonitor(bad).validate(), /interval must match pattern/);
});

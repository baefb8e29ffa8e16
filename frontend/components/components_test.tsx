import { CanaryHealth } from "./CanaryHealth.tsx";
import type { CanaryView } from "../lib/models_api.ts";
import { FleetStats } from "./FleetStats.tsx";
import { MeterGrid } from "./MeterGrid.tsx";
import { MeterBoard } from "../lib/meter_board.ts";
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { type AnomalyRow, AnomalyTable } from "./AnomalyTable.tsx";
import { ModelInfoView } from "./ModelInfoView.tsx";
import { ProblemBanner } from "./ProblemBanner.tsx";
import { ProgressBar } from "./ProgressBar.tsx";
import { Stat } from "./Stat.tsx";
import { StreamControls, type StreamControlsProps } from "./StreamControls.tsx";
import { StreamCounters } from "./StreamCounters.tsx";
import { TableHead } from "./TableHead.tsx";
import { type Counters, zeroCounters } from "../lib/live_stream.ts";
import type { ComponentChildren, VNode } from "preact";
import type { DriftSummary, ModelInfo, TemporalInfo } from "../../lib/contract.ts";
import { DriftVerdicts } from "./DriftVerdicts.tsx";

const row: AnomalyRow = {
  seq: 42,
  time: "2026-01-01T10:20:30.000Z",
  voltage: 275,
  current: 28,
  frequency: 50.7,
  score: 0.7485,
  labelled: true,
  kind: "injected extreme reading",
  servedBy: "pod-a:1",
  reasons: [{
    signal: "voltage",
    code: "voltage_swell",
    message: "Voltage 275 V is outside the EN 50160 ±10 % band (207–253 V)",
    severity: "warning",
    reference: "EN 50160",
  }],
};

Deno.test("AnomalyTable renders reasons and verdicts as text, not colour alone", () => {
  const html = renderToString(
    <AnomalyTable rows={[row, { ...row, seq: 43, labelled: false, kind: null, reasons: [] }]} />,
  );
  assert.match(html, /<caption id="anomaly-caption">Recent flagged anomalies/);
  assert.match(
    html,
    /class="table-scroll" tabindex="0" role="region" aria-labelledby="anomaly-caption"/,
  );
  assert.match(html, /<th scope="col">Reasons<\/th>/);
  assert.match(html, /275\.0 V/);
  assert.match(html, /\[<!-- -->warning<!-- -->\]|\[warning\]/);
  assert.match(html, /outside the EN 50160 ±10 % band \(207–253 V\)/);
  assert.match(html, /\(EN 50160\)/);
  assert.match(html, /✔ anomalous.*injected extreme reading/);
  assert.match(html, /✘ normal: false positive/);
  assert.match(html, /model score above threshold/);
});

Deno.test("AnomalyTable says when nothing was flagged", () => {
  assert.match(renderToString(<AnomalyTable rows={[]} />), /No anomalies flagged yet\./);
});

Deno.test("ProblemBanner is an alert with title, status and escaped detail (R4.14)", () => {
  const detail = "Bad <b>value</b> \u202Eevil\u202C 🙂 \ud800";
  const html = renderToString(
    <ProblemBanner
      problem={{ title: "Backend unreachable", detail, status: 502 }}
      note="Retrying"
    />,
  );
  assert.match(html, /role="alert"/);
  assert.match(html, /Backend unreachable.*\(HTTP 502\)/);
  assert.match(html, /Bad &lt;b>value&lt;\/b>/);
  assert.doesNotMatch(html, /<b>value/);
  assert.match(html, /Retrying/);
  assert.equal(renderToString(<ProblemBanner problem={null} />), "");
});

Deno.test("ProgressBar is a native progress element with a label and text", () => {
  const html = renderToString(
    <ProgressBar id="p" label="Burst progress" value={3} max={10} text="3 of 10 requests" />,
  );
  assert.match(html, /<label for="p">Burst progress<\/label>/);
  assert.match(html, /<progress id="p" value="3" max="10">3 of 10 requests<\/progress>/);
});

Deno.test("Stat renders a dt/dd pair with a data-value", () => {
  const html = renderToString(<Stat id="s" label="Points" value={12} hint="readings" />);
  assert.match(html, /<dt>Points<\/dt><dd id="s" data-value="12">12<small>readings<\/small><\/dd>/);
});

Deno.test("ModelInfoView lists config, threshold and source, or says it is not loaded", () => {
  const info: ModelInfo = {
    name: "isolation_forest",
    version: "sha256:abc123",
    features: ["voltage", "current", "frequency"],
    config: {
      contamination: 0.05,
      nEstimators: 200,
      sampleSize: 256,
      seed: 42,
      trainingSize: 10_000,
    },
    threshold: 0.56616,
    training: {},
    source: "trained at startup",
  };
  const html = renderToString(<ModelInfoView info={info} />);
  for (
    const text of [
      "sha256:abc123",
      "voltage, current, frequency",
      "0.05",
      "200",
      "256",
      "0.5662",
      "trained at startup",
    ]
  ) {
    assert.ok(html.includes(text), text);
  }
  assert.match(renderToString(<ModelInfoView info={null} />), /not loaded yet/);
});

Deno.test("ModelInfoView shows a temporal model's window instead of forest settings", () => {
  const info: TemporalInfo = {
    name: "temporal_window",
    version: "sha256:def456",
    features: ["u", "i", "hz"],
    config: { window: 8, contamination: 0.01 },
    threshold: 3.25,
    training: {},
    source: "loaded from artifact temporal_window.json",
  };
  const html = renderToString(<ModelInfoView info={info} />);
  for (const text of ["temporal_window", "u, i, hz", "8 readings per meter", "0.01", "3.250"]) {
    assert.ok(html.includes(text), text);
  }
  assert.doesNotMatch(html, /undefined|Trees/);
});

Deno.test("AnomalyTable offers confirm and dismiss per row and shows the verdict once given", () => {
  const seen: [number, boolean][] = [];
  const rows = [row, { ...row, seq: 43 }, { ...row, seq: 44 }];
  const html = renderToString(
    <AnomalyTable
      rows={rows}
      feedback={{ 43: "confirmed", 44: "failed" }}
      onFeedback={(r, anomaly) => seen.push([r.seq, anomaly])}
    />,
  );
  assert.match(html, /<th scope="col">Operator<\/th>/);
  assert.match(html, /aria-label="Confirm anomaly 42"/);
  assert.match(html, /aria-label="Dismiss anomaly 42 as a false alarm"/);
  assert.doesNotMatch(html, /aria-label="Confirm anomaly 43"/);
  assert.match(html, /✔ confirmed/);
  assert.match(html, /not sent, try again/);
  assert.match(html, /aria-label="Confirm anomaly 44"/);
  assert.doesNotMatch(renderToString(<AnomalyTable rows={rows} />), /Operator/);
});

Deno.test("AnomalyTable says why a label was refused (a token, a rate limit) instead of 'try again'", () => {
  const html = renderToString(
    <AnomalyTable
      rows={[row]}
      feedback={{ 42: "failed" }}
      failures={{ 42: "POST /feedback needs the feedback token" }}
      onFeedback={() => {}}
    />,
  );
  assert.match(html, /not sent: POST \/feedback needs the feedback token/);
  assert.doesNotMatch(html, /try again/);
});

/** Every element of a rendered tree, components expanded (enough to find handlers without a DOM). */
function elements(node: ComponentChildren): VNode<Record<string, unknown>>[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!node || typeof node !== "object" || !("type" in node)) return [];
  const v = node as VNode<Record<string, unknown>>;
  if (typeof v.type === "function") {
    return elements((v.type as (p: unknown) => ComponentChildren)(v.props));
  }
  return [v, ...elements(v.props.children as ComponentChildren)];
}

function controls(overrides: Partial<StreamControlsProps> = {}) {
  const calls: string[] = [];
  const props: StreamControlsProps = {
    batchText: "32",
    batchValid: true,
    maxBatch: 50,
    maxBatchNote: "the backend's MAX_BATCH",
    intervalText: "0.5",
    intervalValid: true,
    anomalyRate: 0.05,
    newConnection: false,
    streaming: false,
    status: "Idle.",
    onBatch: (t) => calls.push(`batch ${t}`),
    onInterval: (t) => calls.push(`interval ${t}`),
    onAnomalyRate: (r) => calls.push(`rate ${r}`),
    onNewConnection: (on) => calls.push(`new ${on}`),
    onGenerate: () => calls.push("generate"),
    onToggle: () => calls.push("toggle"),
    onInject: () => calls.push("inject"),
    onReset: () => calls.push("reset"),
    ...overrides,
  };
  return { calls, props, tree: elements(<StreamControls {...props} />) };
}

Deno.test("StreamControls offers the learned batch range, says where it comes from and flags a clamped value", () => {
  const html = renderToString(<StreamControls {...controls().props} />);
  assert.match(html, /<input id="batch-size" type="number" min="1" max="50" step="1" value="32"/);
  assert.match(html, /Readings per request \(1–50, the backend(&#39;|')s MAX_BATCH\)<\/small>/);
  assert.match(html, /id="batch-size"[^>]*aria-invalid="false"/);
  const bad = renderToString(
    <StreamControls
      {...controls({ batchText: "80", batchValid: false, intervalValid: false }).props}
    />,
  );
  assert.match(bad, /id="batch-size"[^>]*aria-invalid="true"/);
  assert.match(bad, /id="interval"[^>]*aria-invalid="true"/);
  assert.match(bad, /MAX_BATCH\): out of range, clamped<\/small>/);
  assert.match(html, /aria-valuetext="5 %"/);
});

Deno.test("StreamControls passes what is typed and clicked to its handlers, and shows the streaming state", () => {
  const { calls, tree } = controls();
  const byId = (id: string) => tree.find((e) => e.props.id === id)!;
  const input = (id: string, value: string, handler = "onInput") =>
    (byId(id).props[handler] as (e: unknown) => void)({ currentTarget: { value, checked: true } });
  input("batch-size", "40");
  input("interval", "2");
  input("anomaly-rate", "0.2");
  input("new-connection", "", "onChange");
  for (const button of tree.filter((e) => e.type === "button")) {
    (button.props.onClick as () => void)();
  }
  assert.deepEqual(calls, [
    "batch 40",
    "interval 2",
    "rate 0.2",
    "new true",
    "generate",
    "toggle",
    "inject",
    "reset",
  ]);
  const streaming = renderToString(<StreamControls {...controls({ streaming: true }).props} />);
  assert.match(streaming, /class="primary active" aria-pressed="true">Stop Streaming/);
  assert.match(renderToString(<StreamControls {...controls().props} />), /Start Streaming/);
});

Deno.test("StreamCounters derives precision, recall and latency figures from the counters", () => {
  const counters: Counters = {
    ...zeroCounters(),
    points: 40,
    requests: 2,
    confusion: { ...zeroCounters().confusion, tp: 3, fp: 1, fn: 3 },
    latency: { count: 2, avg: 12.345, p95: 20, p99: 31.06 },
  };
  const html = renderToString(<StreamCounters counters={counters} latencyCount={2} />);
  assert.match(html, /id="stat-precision" data-value="75.0 %"/);
  assert.match(html, /id="stat-recall" data-value="50.0 %"/);
  assert.match(html, /id="stat-latency-avg" data-value="12.3 ms"/);
  assert.match(html, /id="stat-latency-p99" data-value="31.1 ms"/);
  assert.match(html, /over the last <!-- -->2|over the last 2/);
  const empty = renderToString(<StreamCounters counters={zeroCounters()} latencyCount={0} />);
  assert.match(empty, /id="stat-recall" data-value="—"/);
  assert.match(empty, /id="stat-latency-p95" data-value="—"/);
});

Deno.test("ProgressBar keeps a valid maximum when there is nothing to do", () => {
  const html = renderToString(<ProgressBar id="p" label="Burst" value={0} max={0} text="0 of 0" />);
  assert.match(html, /<progress id="p" value="0" max="1">/);
});

Deno.test("TableHead renders one scoped column header per name, in order", () => {
  const html = renderToString(
    <table>
      <TableHead columns={["Version", "TP", "Precision / recall"]} />
    </table>,
  );
  assert.equal(
    html,
    '<table><thead><tr><th scope="col">Version</th><th scope="col">TP</th>' +
      '<th scope="col">Precision / recall</th></tr></thead></table>',
  );
});

Deno.test("FleetStats shows precision, recall and event recall from the counts, and recall per kind", () => {
  const html = renderToString(
    <FleetStats
      tally={{
        readings: 100,
        flagged: 20,
        labelled: 25,
        confusion: { tp: 18, fp: 2, fn: 7, tn: 73 },
        events: { ended: 4, detected: 3 },
        byKind: { drift: { ended: 2, detected: 1 }, sustained_sag: { ended: 2, detected: 2 } },
      }}
    />,
  );
  assert.match(html, /id="fleet-precision" data-value="90.0 %"/);
  assert.match(html, /id="fleet-recall" data-value="72.0 %"/);
  assert.match(html, /id="fleet-event-recall" data-value="75.0 %"/);
  assert.match(html, /id="fleet-tp" data-value="18"/);
  assert.match(html, /id="fleet-events" data-value="3 of 4"/);
  assert.match(html, /<th scope="row">sustained sag<\/th><td>2<\/td><td>2<\/td><td>100.0 %<\/td>/);
  assert.match(html, /<th scope="row">drift<\/th><td>1<\/td><td>2<\/td><td>50.0 %<\/td>/);
});

Deno.test("MeterGrid draws events as shaded intervals and alarms as bars, and says the status in words", () => {
  const board = new MeterBoard(["meter-01", "meter-02"], 10);
  for (let k = 0; k < 10; k++) {
    const inEvent = k >= 6;
    board.add({
      voltage: 230 - (inEvent ? 12 : 0),
      current: 10,
      frequency: 50,
      meter_id: "meter-01",
      timestamp: new Date(k * 10_000).toISOString(),
      anomaly: inEvent,
      kind: inEvent ? "sustained_sag" : null,
      event: inEvent ? 0 : null,
      eventEnd: false,
    }, k >= 7);
  }
  const html = renderToString(<MeterGrid meters={board.views()} keep={10} />);
  assert.match(html, /<li class="meter alarm" id="meter-meter-01" data-alarm="true"/);
  assert.match(html, /Alarm<\/span>/);
  assert.match(html, /aria-label="meter-01: alarm; simulated sustained sag in progress\./);
  assert.equal([...html.matchAll(/<rect class="event"/g)].length, 1);
  assert.equal([...html.matchAll(/<rect class="alarm"/g)].length, 1);
  assert.match(html, /3 flagged in 1 alarm</);
  assert.match(html, /<li class="meter" id="meter-meter-02" data-alarm="false" data-points="0"/);
});

const CANARY: CanaryView = {
  alias: {
    alias: "canary",
    version: `sha256:${"b".repeat(64)}`,
    model_version: "sha256:bbbbbbbbbbbb",
    updated_at: "2026-01-01T00:00:00Z",
    updated_by: "alice",
    previous: null,
    percent: 10,
  },
  serving: "sha256:bbbbbbbbbbbb",
  percent: 10,
  reason: null,
  rollbacks: 0,
  health: {
    window_s: 60,
    covered_s: 42,
    champion: {
      model_version: "sha256:aaaaaaaaaaaa",
      requests: 900,
      error_rate: 0,
      p99_seconds: 0.0012,
      anomaly_rate: 0.05,
    },
    canary: {
      model_version: "sha256:bbbbbbbbbbbb",
      requests: 100,
      error_rate: 0.01,
      p99_seconds: 0.0015,
      anomaly_rate: 0.06,
    },
    judged: false,
    breach: null,
  },
  last_rollback: null,
  guard: {
    window_s: 60,
    max_error_rate: 0.02,
    max_p99_ratio: 2,
    max_anomaly_ratio: 1.5,
    min_requests: 200,
  },
};

Deno.test("CanaryHealth shows the canary's share and its figures next to the champion's", () => {
  const html = renderToString(
    <CanaryHealth
      canary={CANARY}
      precision={{ "sha256:bbbbbbbbbbbb": { precision: 0.75 } }}
    />,
  );
  assert.match(html, /Canary <code>sha256:bbbbbbbbbbbb<\/code> answers 10 % of requests/);
  assert.match(html, /not judged yet \(fewer than 200 canary requests in the window\)/);
  assert.match(html, /over the last 42 s/);
  assert.match(
    html,
    /<th scope="row">Champion<\/th><td><code>sha256:aaaaaaaaaaaa<\/code><\/td><td>900<\/td><td>0.0 %<\/td><td>1.2 ms<\/td><td>5.0 %<\/td>/,
  );
  assert.match(
    html,
    /<th scope="row">Canary<\/th><td><code>sha256:bbbbbbbbbbbb<\/code><\/td><td>100<\/td><td>1.0 %<\/td><td>1.5 ms<\/td><td>6.0 %<\/td>/,
  );
  assert.equal(renderToString(<CanaryHealth canary={undefined} />), "");
});

Deno.test("CanaryHealth says when a replica cannot route to the canary and names the last rollback", () => {
  const html = renderToString(
    <CanaryHealth
      canary={{
        ...CANARY,
        alias: null,
        serving: null,
        health: null,
        reason: null,
        last_rollback: {
          at: "2026-01-01T00:01:00Z",
          model_version: "sha256:bbbbbbbbbbbb",
          reason: "Rolled back by the canary guard: anomaly rate 10.0 % > CANARY_MAX_ANOMALY_RATIO",
        },
      }}
    />,
  );
  assert.match(html, /No canary/);
  assert.match(
    html,
    /Last rollback 2026-01-01T00:01:00Z: <code>sha256:bbbbbbbbbbbb<\/code> — Rolled back by the canary guard: anomaly rate 10.0 %/,
  );
  const broken = renderToString(
    <CanaryHealth
      canary={{ ...CANARY, serving: null, reason: "Canary alias names x, which cannot be served" }}
    />,
  );
  assert.match(
    broken,
    /<p class="problem" id="models-canary-reason">Canary alias names x, which cannot be served<\/p>/,
  );
  assert.doesNotMatch(broken, /this replica routes/);
});

Deno.test("DriftVerdicts shows each feature's verdict, KS and PSI, the MMD check and the report link", () => {
  const drift: DriftSummary = {
    verdict: "drift",
    window: { readings: 4200, min_readings: 500, capacity: 5000, max_age_s: 300 },
    reference_rows: 1000,
    reference_match: "time_of_day",
    thresholds: {
      alpha: 0.01,
      per_test_alpha: 0.0025,
      correction: "bonferroni",
      min_ks_statistic: 0.15,
    },
    features: {
      voltage: { ks_statistic: 0.52, ks_p_value: 2.3e-117, psi: 1.46, verdict: "drift" },
      "<b>x</b>": { ks_statistic: 0.02, ks_p_value: 0.81, psi: 0.004, verdict: "no_drift" },
    },
    multivariate: { test: "mmd", statistic: 0.1713, p_value: 0.002, verdict: "drift" },
  };
  const html = renderToString(<DriftVerdicts drift={drift} />);
  assert.match(html, /<span id="drift-verdict"><span class="verdict verdict-drift">drift<\/span>/);
  assert.match(
    html,
    /<th scope="row">voltage<\/th><td><span class="verdict verdict-drift">drift<\/span><\/td><td>0.520<\/td><td>2.3e-117<\/td><td>1.460 \(significant\)<\/td>/,
  );
  assert.match(html, /&lt;b>x&lt;\/b>/, "a feature name is text, not markup");
  assert.match(html, /no drift<\/span><\/td><td>0.020<\/td><td>0.810<\/td><td>0.004 \(no shift\)/);
  assert.match(
    html,
    /all features \(MMD\)<\/th><td><span class="verdict verdict-drift">drift<\/span><\/td><td>0.1713<\/td><td>0.002<\/td>/,
  );
  assert.match(html, /4200 readings in the window \(a verdict needs 500/);
  assert.match(html, /href="\/api\/models\/drift\/report"/);
  const waiting = renderToString(
    <DriftVerdicts
      drift={{
        ...drift,
        verdict: "no_reference",
        reference_rows: null,
        reference_match: "all_rows",
        features: {
          voltage: { ks_statistic: null, ks_p_value: null, psi: 0.01, verdict: "no_reference" },
        },
        multivariate: { test: "mmd", statistic: null, p_value: null, verdict: "no_reference" },
      }}
    />,
  );
  assert.match(
    waiting,
    /no reference<\/span><\/td><td>—<\/td><td>—<\/td><td>0.010 \(no shift\)/,
  );
  assert.match(waiting, /carries no training sample/);
  assert.match(html, /Compared with the 1000 training rows from the same hours of the day/);
  const hours = renderToString(
    <DriftVerdicts drift={{ ...drift, verdict: "no_reference", reference_rows: 0 }} />,
  );
  assert.match(
    hours,
    /no readings from the hours of the window&#39;s readings|no readings from the hours of the window's readings/,
  );
  const all = renderToString(<DriftVerdicts drift={{ ...drift, reference_match: "all_rows" }} />);
  assert.match(all, /Compared with all 1000 training rows/);
  assert.match(renderToString(<DriftVerdicts drift={null} />), /Not polled yet/);
});

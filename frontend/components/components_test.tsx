import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { type AnomalyRow, AnomalyTable } from "./AnomalyTable.tsx";
import { ModelInfoView } from "./ModelInfoView.tsx";
import { ProblemBanner } from "./ProblemBanner.tsx";
import { ProgressBar } from "./ProgressBar.tsx";
import { Stat } from "./Stat.tsx";
import type { ModelInfo } from "../../backend/detector/types.ts";

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

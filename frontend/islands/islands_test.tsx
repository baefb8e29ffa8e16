import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { assertButtonsNamed, assertControlsLabelled } from "../tests/_a11y.ts";
import { BURST_BUDGET, BURST_LIMITS } from "../bursts.ts";
import { BURST_DEFAULTS, STREAM_DEFAULTS } from "../routes/index.tsx";
import BackendStatus from "./BackendStatus.tsx";
import BurstRunner from "./BurstRunner.tsx";
import InstanceChart from "./InstanceChart.tsx";
import LiveMonitor from "./LiveMonitor.tsx";
import ModelsPanel from "./ModelsPanel.tsx";
import FleetMonitor from "./FleetMonitor.tsx";

Deno.test("LiveMonitor renders all the original controls, labelled, with empty charts and counters", () => {
  const html = renderToString(
    <LiveMonitor
      defaults={{ ...STREAM_DEFAULTS }}
      maxBatch={1000}
      maxBatchNote="the backend's MAX_BATCH"
      chartWindow={1500}
      tableRows={25}
    />,
  );
  assert.equal(assertControlsLabelled(html), 4);
  assert.deepEqual(assertButtonsNamed(html), [
    "Generate Batch",
    "Start Streaming",
    "Inject Extreme Reading",
    "Reset",
  ]);
  assert.match(html, /<label for="batch-size">Batch size<\/label>/);
  assert.match(html, /<label for="interval">Interval \(seconds\)<\/label>/);
  assert.match(html, /<label for="anomaly-rate">Anomaly rate<\/label>/);
  assert.match(html, /<label for="new-connection">New connection each request<\/label>/);
  assert.match(html, /value="32"/);
  assert.match(html, /value="0.5"/);
  assert.match(html, /aria-pressed="false"/);
  for (const id of ["chart-voltage", "chart-current", "chart-frequency"]) {
    assert.match(html, new RegExp(`id="${id}" data-points="0"`));
  }
  assert.match(html, /<canvas role="img" aria-label="Voltage \(V\) over the last 1500 readings/);
  assert.match(html, /id="stat-precision" data-value="—"/);
  assert.match(html, /No anomalies flagged yet/);
  assert.match(html, /role="status"/);
});

Deno.test("BurstRunner renders labelled burst controls with their limits and no result yet", () => {
  const html = renderToString(
    <BurstRunner
      defaults={BURST_DEFAULTS}
      limits={{ ...BURST_LIMITS }}
      budget={{ ...BURST_BUDGET }}
      pollMs={250}
    />,
  );
  assert.equal(assertControlsLabelled(html), 7);
  assert.deepEqual(assertButtonsNamed(html), ["Run Burst", "Cancel Burst"]);
  assert.match(html, /<label for="burst-requests">Requests per cycle<\/label>/);
  assert.match(html, /<label for="burst-concurrency">Concurrency<\/label>/);
  assert.match(html, /<label for="burst-cycles">Cycles<\/label>/);
  assert.match(html, /<label for="burst-pauseMs">Pause between cycles \(s\)<\/label>/);
  assert.match(html, /id="burst-pauseMs"[^>]*value="1"/);
  assert.match(html, /No burst run yet/);
});

Deno.test("BackendStatus shows the backend URL read-only and a checking state", () => {
  const html = renderToString(
    <BackendStatus backendUrl="http://anomaly-backend:8000" pollMs={5000} retryMs={2000} />,
  );
  assertControlsLabelled(html);
  assert.match(
    html,
    /id="backend-url" type="text" value="http:\/\/anomaly-backend:8000" readonly/i,
  );
  assert.match(html, /data-phase="checking"/);
  assert.match(html, /Model information not loaded yet/);
});

Deno.test("InstanceChart starts empty with a text alternative", () => {
  const html = renderToString(<InstanceChart maxBars={20} />);
  assert.match(html, /id="instance-chart" data-instances="0" data-total="0"/);
  assert.match(html, /No requests answered yet\./);
  assert.match(html, /<table class="compact" id="instance-table">/);
});

Deno.test("ModelsPanel starts without data, with a labelled token field and disabled admin buttons", () => {
  const html = renderToString(<ModelsPanel pollMs={5000} />);
  assert.equal(assertControlsLabelled(html), 2, "the admin token and the canary share");
  assert.match(html, /<label for="admin-token">Admin token/);
  assert.match(html, /id="admin-token" type="password"/);
  assert.match(html, /Registry not loaded yet/);
  assert.match(html, /No feedback yet/);
  assert.match(html, /Input drift against the champion's training sample/);
  assert.match(html, /Not polled yet/);
  assert.deepEqual(assertButtonsNamed(html), [
    "Roll back champion",
    "Remove challenger",
    "End canary",
  ]);
  assert.match(html, /<label for="canary-percent">Canary share/);
  assert.match(html, /id="models-rollback" disabled/);
});

Deno.test("FleetMonitor renders labelled controls, the seed, empty quality figures and every meter", () => {
  const html = renderToString(
    <FleetMonitor
      seed={1234}
      meters={8}
      intervalMs={10_000}
      meanGap={300}
      defaults={{ perMeter: 4, requestMs: 500 }}
      maxBatch={5000}
      keep={240}
    />,
  );
  assert.equal(assertControlsLabelled(html), 3);
  assert.deepEqual(assertButtonsNamed(html), [
    "Start Streaming",
    "Inject Extreme Reading",
    "Reset",
  ]);
  assert.match(html, /id="fleet-seed" data-value="1234"/);
  assert.match(html, /<input id="fleet-speed"[^>]* max="64"[^>]* value="4"/);
  for (const id of ["fleet-precision", "fleet-recall", "fleet-event-recall"]) {
    assert.match(html, new RegExp(`id="${id}" data-value="—"`));
  }
  assert.equal([...html.matchAll(/<li class="meter" id="meter-meter-\d\d"/g)].length, 8);
  assert.match(html, /<svg [^>]*role="img" aria-label="meter-01: no alarm\./);
});

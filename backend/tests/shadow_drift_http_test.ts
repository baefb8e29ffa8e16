import assert from "node:assert/strict";
import { trainModel } from "../detector/mod.ts";
import { Simulator } from "../../lib/simulator/simulator.ts";
import { postPredict, testApp } from "./_app.ts";
import { smallModel } from "./_models.ts";

/** Simulated readings without their labels, as a client posts them. */
function unlabeled(seed: number, n: number, anomalyRate = 0) {
  return new Simulator({ seed, anomalyRate }).batch(n).map(({ voltage, current, frequency }) => ({
    voltage,
    current,
    frequency,
  }));
}

Deno.test("POST /predict feeds shadow scoring after the response and keeps the champion's answer", async () => {
  const { app, metrics, lifecycle } = testApp({ realModel: true });
  const challenger = trainModel({
    ...smallModel().info.config,
    contamination: 0.3,
  }, { evaluation: false });
  lifecycle.setChallenger(challenger);
  const readings = unlabeled(11, 50, 0.05);
  const res = await postPredict(app, JSON.stringify({ readings }));
  const body = await res.json();
  assert.equal(body.model_version, smallModel().info.version, "the champion answers");
  await lifecycle.idle();
  const text = await metrics.registry.metrics();
  const count = (agree: string) =>
    Number(
      new RegExp(
        `^shadow_predictions_total\\{champion="[^"]+",challenger="[^"]+",agree="${agree}"\\} (\\d+)$`,
        "m",
      ).exec(text)?.[1] ??
        0,
    );
  assert.equal(count("true") + count("false"), 50);
  assert.ok(count("false") > 0, "a 30 % contamination challenger disagrees on some readings");
  assert.match(text, /^shadow_latency_seconds_count\{champion="[^"]+",challenger="[^"]+"\} 1$/m);
});

Deno.test("POST /predict feeds the drift window: shifted voltage raises its PSI only and is tested", async () => {
  // Ten time slices of 400: the test's readings arrive within one slice.
  const { app, metrics } = testApp({
    realModel: true,
    env: { DRIFT_WINDOW: "4000", DRIFT_MIN_READINGS: "100" },
  });
  for (let i = 0; i < 5; i++) {
    const readings = unlabeled(12 + i, 100).map((r) => ({ ...r, voltage: r.voltage + 10 }));
    assert.equal((await postPredict(app, JSON.stringify({ readings }))).status, 200);
  }
  const text = await metrics.registry.metrics();
  const psi = (f: string) =>
    Number(new RegExp(`^feature_drift_psi\\{feature="${f}"\\} (\\S+)$`, "m").exec(text)?.[1]);
  assert.ok(psi("voltage") > 0.25, `voltage ${psi("voltage")}`);
  assert.ok(psi("frequency") < 0.1, `frequency ${psi("frequency")}`);
  assert.match(text, /^drift_window_readings 400$/m);
  const p = (f: string) =>
    Number(
      new RegExp(`^feature_drift_p_value\\{feature="${f}",test="ks"\\} (\\S+)$`, "m").exec(text)
        ?.[1],
    );
  assert.ok(p("voltage") < 1e-6, `voltage p ${p("voltage")}`);
  const models = await (await app.request("/models")).json();
  assert.equal(models.monitoring.drift.features.voltage.verdict, "drift");
  assert.equal(models.monitoring.drift.features.frequency.verdict, "no_drift");
  assert.ok(models.monitoring.drift.features.voltage.ks_statistic > 0.5);
  assert.equal(models.monitoring.drift.verdict, "drift");
  const report = await app.request("/models/drift/report");
  assert.equal(report.status, 200);
  assert.match(report.headers.get("content-type") ?? "", /^text\/html/);
  const html = await report.text();
  assert.match(html, /<h2>voltage <span class="v drift">drift<\/span><\/h2>/);
  assert.doesNotMatch(html, /(src|href)=/);
});

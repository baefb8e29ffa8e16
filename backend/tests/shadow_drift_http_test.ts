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
      new RegExp(`^shadow_predictions_total\\{agree="${agree}"\\} (\\d+)$`, "m").exec(text)?.[1] ??
        0,
    );
  assert.equal(count("true") + count("false"), 50);
  assert.ok(count("false") > 0, "a 30 % contamination challenger disagrees on some readings");
  assert.match(text, /^shadow_latency_seconds_count 1$/m);
});

Deno.test("POST /predict feeds the drift window: shifted voltage raises its PSI only", async () => {
  const { app, metrics } = testApp({ realModel: true, env: { DRIFT_WINDOW: "400" } });
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
});

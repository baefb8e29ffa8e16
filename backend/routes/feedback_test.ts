import assert from "node:assert/strict";
import { testApp } from "../tests/_app.ts";
import { FAKE_INFO, FakeDetector } from "../tests/_fake_detector.ts";

const normal = { voltage: 230, current: 10, frequency: 50 };
const swell = { voltage: 280, current: 10, frequency: 50 };

const post = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** A challenger that flags everything above 235 V (the fake champion flags 250 V and up). */
class Strict extends FakeDetector {
  override readonly info = { ...FAKE_INFO, version: "sha256:strict000000" };
  override predict(readings: Parameters<FakeDetector["predict"]>[0]) {
    return readings.map((r) => ({ anomaly: r.voltage > 235, score: 0.5 }));
  }
}

Deno.test("POST /feedback counts outcomes per model version for the champion", async () => {
  const { app, metrics } = testApp();
  const res = await app.request(
    "/feedback",
    post({
      readings: [
        { ...swell, anomaly: true }, // tp
        { ...swell, anomaly: false }, // fp (operator dismissed it)
        { ...normal, anomaly: true }, // fn
        { ...normal, anomaly: false }, // tn
        { ...normal, anomaly: false }, // tn
      ],
    }),
  );
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.total, 5);
  assert.equal(body.labeled_anomalies, 2);
  assert.deepEqual(body.models, [{
    alias: "champion",
    model_version: "sha256:fake00000000",
    tp: 1,
    fp: 1,
    fn: 1,
    tn: 2,
    precision: 0.5,
    recall: 0.5,
  }]);
  const text = await metrics.registry.metrics();
  assert.match(text, /^feedback_total\{model_version="sha256:fake00000000",outcome="tn"\} 2$/m);
  assert.match(text, /^feedback_total\{model_version="sha256:fake00000000",outcome="fp"\} 1$/m);
});

Deno.test("POST /feedback scores the challenger too, under its own version", async () => {
  const { app, metrics, lifecycle } = testApp();
  lifecycle.setChallenger(new Strict());
  const res = await app.request(
    "/feedback",
    post({ readings: [{ ...normal, voltage: 240, anomaly: false }] }),
  );
  const body = await res.json();
  assert.deepEqual(body.models.map((m: { alias: string; fp: number }) => [m.alias, m.fp]), [
    ["champion", 0],
    ["challenger", 1],
  ]);
  assert.match(
    await metrics.registry.metrics(),
    /^feedback_total\{model_version="sha256:strict000000",outcome="fp"\} 1$/m,
  );
});

Deno.test("POST /feedback rejects missing labels with 422 and answers 503 before the model is loaded", async () => {
  const { app } = testApp();
  const res = await app.request("/feedback", post({ readings: [normal] }));
  assert.equal(res.status, 422);
  assert.equal((await res.json()).errors[0].path, "readings[0].anomaly");
  const notReady = testApp({ notReady: true });
  const waiting = await notReady.app.request(
    "/feedback",
    post({ readings: [{ ...normal, anomaly: true }] }),
  );
  assert.equal(waiting.status, 503);
});

Deno.test("POST /feedback shares the body budget of /predict (MAX_BODY_BYTES_IN_FLIGHT)", async () => {
  const { app } = testApp({ env: { MAX_BODY_BYTES: "65536", MAX_BODY_BYTES_IN_FLIGHT: "65536" } });
  // A /predict upload that declares 60 KB and stalls holds most of the 64 KiB budget.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let pulled = false;
  const body = JSON.stringify({ readings: [normal] });
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      pulled = true;
      await held;
      controller.enqueue(new TextEncoder().encode(body.padEnd(60_000, " ")));
      controller.close();
    },
  }, { highWaterMark: 0 });
  const predict = Promise.resolve(app.request("/predict", {
    method: "POST",
    body: stream,
    headers: { "content-type": "application/json", "content-length": "60000" },
    duplex: "half",
  } as RequestInit));
  while (!pulled) await new Promise((r) => setTimeout(r, 5));
  const feedback = JSON.stringify({ readings: [{ ...normal, anomaly: false }] }).padEnd(8_000, " ");
  const shed = await app.request("/feedback", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(feedback.length) },
    body: feedback,
  });
  assert.equal(shed.status, 503);
  assert.match((await shed.json()).detail, /MAX_BODY_BYTES_IN_FLIGHT/);
  release();
  assert.equal((await predict).status, 200);
  const after = await app.request("/feedback", post({ readings: [{ ...normal, anomaly: false }] }));
  assert.equal(after.status, 200);
});

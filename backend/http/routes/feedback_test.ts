import assert from "node:assert/strict";
import { testApp } from "../../tests/_app.ts";
import { FAKE_INFO, FakeDetector } from "../../tests/_fake_detector.ts";
import { waitFor } from "../../../testing/poll.ts";

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

Deno.test("POST /feedback and /predict share one MAX_INFLIGHT count per worker", async () => {
  const { app } = testApp({ env: { MAX_INFLIGHT: "1" } });
  // A /predict whose body stalls is the one request in progress.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let pulled = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      pulled = true;
      await held;
      controller.enqueue(new TextEncoder().encode(JSON.stringify({ readings: [normal] })));
      controller.close();
    },
  }, { highWaterMark: 0 });
  const predict = Promise.resolve(app.request("/predict", {
    method: "POST",
    body: stream,
    headers: { "content-type": "application/json" },
    duplex: "half",
  } as RequestInit));
  while (!pulled) await new Promise((r) => setTimeout(r, 5));
  const shed = await app.request("/feedback", post({ readings: [{ ...normal, anomaly: false }] }));
  assert.equal(shed.status, 503);
  assert.match((await shed.json()).detail, /MAX_INFLIGHT/);
  release();
  assert.equal((await predict).status, 200);
  const after = await app.request("/feedback", post({ readings: [{ ...normal, anomaly: false }] }));
  assert.equal(after.status, 200);
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

/** Ids of a /predict answer for `readings`. */
async function idsFor(app: ReturnType<typeof testApp>["app"], readings: unknown[]) {
  const res = await app.request("/predict", post({ readings }));
  assert.equal(res.status, 200);
  return (await res.json()).predictions.map((p: { prediction_id: string }) => p.prediction_id);
}

Deno.test("POST /feedback by prediction_id stores a label once however often it is posted", async () => {
  const { app, metrics, labels } = testApp();
  const [flagged, quiet] = await idsFor(app, [swell, normal]);
  const body = {
    labels: [{ prediction_id: flagged, anomaly: false }, { prediction_id: quiet, anomaly: false }],
  };
  const first = await (await app.request("/feedback", post(body))).json();
  assert.deepEqual([first.stored, first.unchanged], [2, 0]);
  for (let i = 0; i < 4; i++) {
    const again = await app.request("/feedback", post(body));
    assert.equal(again.status, 200);
    assert.deepEqual((await again.json()).unchanged, 2);
  }
  assert.deepEqual(labels.tallies(), { "sha256:fa0000000000": { tp: 0, fp: 1, fn: 0, tn: 1 } });
  const text = await metrics.registry.metrics();
  assert.match(text, /^feedback_total\{model_version="sha256:fa0000000000",outcome="fp"\} 1$/m);
  const [stored] = labels.all();
  assert.deepEqual(stored.values, [swell.voltage, swell.current, swell.frequency]);
});

Deno.test("POST /feedback by prediction_id records the challenger's verdict on the same reading", async () => {
  const { app, lifecycle, labels } = testApp();
  lifecycle.setChallenger(new Strict());
  const [id] = await idsFor(app, [{ ...normal, voltage: 240 }]);
  const res = await app.request(
    "/feedback",
    post({ labels: [{ prediction_id: id, anomaly: true }] }),
  );
  assert.equal(res.status, 200);
  assert.deepEqual(labels.tallies(), {
    "sha256:fa0000000000": { tp: 0, fp: 0, fn: 1, tn: 0 },
    // The fake's version is not hex: ids carry what parses ("ct" reads as 0x0c).
    "sha256:00000c000000": { tp: 1, fp: 0, fn: 0, tn: 0 },
  });
});

/** A window model as challenger: its verdict would depend on history a label does not carry. */
class Windowed extends Strict {
  override readonly info = {
    ...FAKE_INFO,
    name: "temporal_window",
    version: "sha256:window000000",
    config: { window: 8, contamination: 0.02 },
  } as unknown as FakeDetector["info"];
}

Deno.test("POST /feedback records no verdict for a window-model challenger (it would depend on the other labels)", async () => {
  const { app, lifecycle, labels } = testApp();
  lifecycle.setChallenger(new Windowed());
  const [id] = await idsFor(app, [{ ...normal, voltage: 240 }]);
  const res = await app.request(
    "/feedback",
    post({ labels: [{ prediction_id: id, anomaly: true }] }),
  );
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(labels.tallies()), ["sha256:fa0000000000"]);
});

Deno.test("POST /feedback refuses unknown ids and non-boolean labels with 422 and stores nothing", async () => {
  const { app, labels } = testApp();
  const [id] = await idsFor(app, [normal]);
  const res = await app.request(
    "/feedback",
    post({
      labels: [
        { prediction_id: id, anomaly: true },
        { prediction_id: `${id.slice(0, -2)}AA`, anomaly: true },
        { prediction_id: id, anomaly: "true" },
      ],
    }),
  );
  assert.equal(res.status, 422);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  const problem = await res.json();
  assert.deepEqual(problem.errors.map((e: { path: string }) => e.path), [
    "labels[1].prediction_id",
    "labels[2].anomaly",
  ]);
  assert.match(problem.errors[0].message, /not a prediction_id this service issued/);
  assert.deepEqual(labels.all(), []);
});

Deno.test("POST /feedback needs the FEEDBACK_TOKEN when one is set", async () => {
  const token = "feedback-token-0123456789";
  const { app } = testApp({ env: { FEEDBACK_TOKEN: token } });
  const [id] = await idsFor(app, [normal]);
  const body = { labels: [{ prediction_id: id, anomaly: false }] };
  const missing = await app.request("/feedback", post(body));
  assert.equal(missing.status, 401);
  assert.match((await missing.json()).detail, /FEEDBACK_TOKEN/);
  const ok = await app.request("/feedback", {
    ...post(body),
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  });
  assert.equal(ok.status, 200);
});

Deno.test("POST /feedback holds a client to FEEDBACK_RATE: one request cannot flood the labels", async () => {
  const { app, labels } = testApp({ env: { FEEDBACK_MAX_LABELS: "3", FEEDBACK_RATE: "0.01" } });
  const ids: string[] = await idsFor(app, Array(5).fill(swell));
  const tooMany = await app.request(
    "/feedback",
    post({ labels: ids.slice(0, 4).map((id) => ({ prediction_id: id, anomaly: false })) }),
  );
  assert.equal(tooMany.status, 422);
  assert.equal((await tooMany.json()).limit, 3);
  const first = await app.request(
    "/feedback",
    post({ labels: ids.slice(0, 3).map((id) => ({ prediction_id: id, anomaly: false })) }),
  );
  assert.equal(first.status, 200);
  const limited = await app.request(
    "/feedback",
    post({ labels: [{ prediction_id: ids[3], anomaly: false }] }),
  );
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  const old = await app.request("/feedback", post({ readings: [{ ...swell, anomaly: false }] }));
  assert.equal(old.status, 429, "readings count against the same budget");
  assert.equal(labels.all().length, 3);
});

Deno.test("POST /feedback answers 503 with Retry-After and the state while the label store is damaged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "labels-damaged-" });
  await Deno.writeTextFile(`${dir}/labels.db`, "not a database ".repeat(100));
  const { app } = testApp({ env: { LABELS_DB: `${dir}/labels.db` } });
  const [id] = await idsFor(app, [normal]);
  const res = await app.request(
    "/feedback",
    post({ labels: [{ prediction_id: id, anomaly: true }] }),
  );
  assert.equal(res.status, 503);
  assert.ok(Number(res.headers.get("retry-after")) >= 1);
  const problem = await res.json();
  assert.equal(problem.state, "damaged");
  assert.match(problem.detail, /The label store is damaged/);
  assert.ok(!problem.detail.includes(dir), "the server's path stays out of the response");
  // /predict does not depend on the label store.
  assert.equal((await app.request("/predict", post({ readings: [normal] }))).status, 200);
});

Deno.test("POST /feedback refused by the label store does not use up the client's budget", async () => {
  const dir = await Deno.makeTempDir({ prefix: "labels-refund-" });
  const path = `${dir}/labels.db`;
  await Deno.writeTextFile(path, "not a database ".repeat(100));
  // A budget of exactly one request's labels: a refused write that still counted would leave none.
  const { app } = testApp({
    env: { LABELS_DB: path, FEEDBACK_MAX_LABELS: "3", FEEDBACK_RATE: "0.01" },
  });
  const ids = await idsFor(app, [normal, normal, normal]);
  const body = post({
    labels: ids.map((prediction_id: string) => ({ prediction_id, anomaly: false })),
  });
  assert.equal((await app.request("/feedback", body)).status, 503);
  // The operator replaces the damaged file; the store reopens after its retry interval.
  await Deno.remove(path);
  await waitFor(async () => {
    const res = await app.request(
      "/feedback",
      post({ labels: ids.map((prediction_id: string) => ({ prediction_id, anomaly: false })) }),
    );
    assert.notEqual(res.status, 429, await res.clone().text());
    return res.status === 200 ? true : undefined;
  }, {
    what: "the label store reopens and takes the same labels",
    timeoutMs: 10_000,
    intervalMs: 200,
  });
});

import assert from "node:assert/strict";
import { postPredict, testApp } from "../tests/_app.ts";

const good = { voltage: 230.1, current: 10.2, frequency: 50.01 };

Deno.test("POST /predict returns the workshop's response shape", async () => {
  const { app } = testApp();
  const res = await postPredict(
    app,
    JSON.stringify({ readings: [good, { voltage: 275, current: 28, frequency: 50.7 }] }),
  );
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.total, 2);
  assert.equal(body.anomalies, 1);
  assert.equal(body.served_by, "test-pod:1");
  assert.equal(body.model_version, "sha256:fake00000000");
  assert.equal(body.predictions[0].anomaly, false);
  assert.equal(body.predictions[1].anomaly, true);
  assert.equal(body.predictions[1].reasons[0].message, "far from 230 V");
  assert.ok(res.headers.get("x-request-id"));
});

Deno.test("POST /predict accepts MAX_BATCH readings and rejects one more, stating the limit", async () => {
  const { app } = testApp();
  const ok = await postPredict(app, JSON.stringify({ readings: Array(100).fill(good) }));
  assert.equal(ok.status, 200);
  const res = await postPredict(app, JSON.stringify({ readings: Array(101).fill(good) }));
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.equal(body.limit, 100);
  assert.match(
    body.detail,
    /readings has 101 readings; the limit is 100 per request \(MAX_BATCH\)/,
  );
});

// Each row: body (or raw init), expected status, expected problem type, a fragment of the detail.
const cases: [string, string, number, string, RegExp][] = [
  ["truncated JSON", '{"readings":[', 400, "malformed-json", /not valid JSON/],
  ["not JSON", "not json", 400, "malformed-json", /not valid JSON/],
  [
    "NaN literal",
    '{"readings":[{"voltage":NaN,"current":1,"frequency":50}]}',
    400,
    "malformed-json",
    /JSON/,
  ],
  // A byte order mark is dropped (RFC 8259, 8.1): the body is judged as the JSON it carries.
  ["BOM prefix", '\ufeff{"readings":[]}', 422, "validation", /at least 1 reading/],
  ["BOM twice", '\ufeff\ufeff{"readings":[]}', 400, "malformed-json", /not valid JSON/],
  [
    "1e400",
    '{"readings":[{"voltage":1e400,"current":1,"frequency":50}]}',
    422,
    "validation",
    /readings\[0\]\.voltage must be a finite number, got Infinity/,
  ],
  [
    "string number",
    '{"readings":[{"voltage":"230","current":1,"frequency":50}]}',
    422,
    "validation",
    /readings\[0\]\.voltage must be a finite number, got the string "230"/,
  ],
  [
    "null",
    '{"readings":[{"voltage":null,"current":1,"frequency":50}]}',
    422,
    "validation",
    /voltage must be a finite number, got null/,
  ],
  [
    "boolean",
    '{"readings":[{"voltage":true,"current":1,"frequency":50}]}',
    422,
    "validation",
    /got true/,
  ],
  [
    "array value",
    '{"readings":[{"voltage":[],"current":1,"frequency":50}]}',
    422,
    "validation",
    /got an array/,
  ],
  [
    "object value",
    '{"readings":[{"voltage":{},"current":1,"frequency":50}]}',
    422,
    "validation",
    /got an object/,
  ],
  [
    "missing field",
    '{"readings":[{"voltage":230,"current":1}]}',
    422,
    "validation",
    /readings\[0\]\.frequency is required/,
  ],
  ["empty batch", '{"readings":[]}', 422, "validation", /at least 1 reading/],
  ["empty object", "{}", 422, "validation", /readings is required/],
  [
    "readings not array",
    '{"readings":{"voltage":1}}',
    422,
    "validation",
    /readings must be an array, got an object/,
  ],
  ["body is array", "[1,2]", 422, "validation", /Body must be a JSON object/],
  [
    "typo key instead of a required one",
    '{"readings":[{"voltag":230,"current":1,"frequency":50}]}',
    422,
    "validation",
    /readings\[0\]\.voltage is required; unknown keys are ignored, this reading has "voltag"/,
  ],
  [
    "null for a required field",
    '{"readings":[{"voltage":null,"current":1,"frequency":50}]}',
    422,
    "validation",
    /readings\[0\]\.voltage must be a finite number, got null/,
  ],
  [
    "only unknown top-level keys",
    '{"reading":[{"voltage":230,"current":1,"frequency":50}]}',
    422,
    "validation",
    /readings is required \(the body has only "reading"\)/,
  ],
  [
    "bad timestamp",
    '{"readings":[{"voltage":230,"current":1,"frequency":50,"timestamp":"yesterday"}]}',
    422,
    "validation",
    /readings\[0\]\.timestamp "yesterday" is refused: expected RFC 3339 date-time/,
  ],
  [
    "deep nesting",
    `{"readings":${"[".repeat(30_000)}${"]".repeat(30_000)}}`,
    422,
    "validation",
    /readings\[0\] must be an object, got an array/,
  ],
];

for (const [name, body, status, type, detail] of cases) {
  Deno.test(`POST /predict with ${name} gives ${status} ${type}`, async () => {
    const { app, detector } = testApp();
    const res = await postPredict(app, body);
    assert.equal(res.status, status);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    const problem = await res.json();
    assert.equal(problem.status, status);
    assert.equal(problem.type, `/docs#problem-${type}`);
    assert.match(problem.detail, detail);
    assert.equal(problem.error, problem.detail);
    assert.doesNotMatch(JSON.stringify(problem), /\.ts:|at \w+ \(|file:\/\//);
    assert.equal(detector.calls, 0);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
}

Deno.test("POST /predict lists every bad field with its path", async () => {
  const { app } = testApp();
  const res = await postPredict(
    app,
    JSON.stringify({
      readings: [good, { voltage: "x", current: 1, frequency: 50 }, good, {
        current: 1,
        frequency: "50",
      }],
    }),
  );
  const problem = await res.json();
  assert.deepEqual(problem.errors.map((e: { path: string }) => e.path), [
    "readings[1].voltage",
    "readings[3].voltage",
    "readings[3].frequency",
  ]);
  assert.match(problem.detail, /\(and 2 more\)/);
});

Deno.test("POST /predict keeps physically impossible values for the model to flag", async () => {
  const { app } = testApp();
  const res = await postPredict(
    app,
    JSON.stringify({ readings: [{ voltage: -5, current: 1e12, frequency: 0 }, good] }),
  );
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.total, 2);
});

Deno.test("POST /predict accepts -0 and takes the last duplicate key", async () => {
  const { app } = testApp();
  const res = await postPredict(
    app,
    '{"readings":[{"voltage":1,"voltage":230,"current":-0,"frequency":50}]}',
  );
  assert.equal(res.status, 200);
  assert.equal((await res.json()).predictions[0].anomaly, false);
});

for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded"]) {
  Deno.test(`POST /predict with Content-Type ${type ?? "missing"} gives 415`, async () => {
    const { app } = testApp();
    const headers: Record<string, string> = type ? { "content-type": type } : {};
    const res = await app.request("/predict", {
      method: "POST",
      body: JSON.stringify({ readings: [good] }),
      headers,
    });
    assert.equal(res.status, 415);
    assert.match((await res.json()).detail, /Content-Type must be application\/json/);
  });
}

Deno.test("POST /predict accepts application/json with a charset", async () => {
  const { app } = testApp();
  const res = await postPredict(app, JSON.stringify({ readings: [good] }), {
    "content-type": "application/json; charset=utf-8",
  });
  assert.equal(res.status, 200);
});

Deno.test("POST /predict over MAX_BODY_BYTES gives 413 with a declared length and when chunked", async () => {
  const { app } = testApp();
  const big = JSON.stringify({ readings: Array(2000).fill(good) });
  assert.ok(big.length > 65536);
  const declared = await postPredict(app, big);
  assert.equal(declared.status, 413);
  assert.equal((await declared.json()).limit, 65536);
  const bytes = new TextEncoder().encode(big);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.slice(i, i + 4096));
      controller.close();
    },
  });
  const chunked = await app.request(
    new Request("http://x/predict", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
    }),
  );
  assert.equal(chunked.status, 413);
  await chunked.body?.cancel();
});

Deno.test("POST /predict whose body stalls gives 408", async () => {
  const { app } = testApp({ env: { BODY_TIMEOUT_MS: "50" } });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"readings":['));
      timer = setTimeout(() => controller.close(), 500);
    },
  });
  const res = await app.request(
    new Request("http://x/predict", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
    }),
  );
  assert.equal(res.status, 408);
  await res.body?.cancel();
  clearTimeout(timer);
});

Deno.test("wrong methods give 405 with Allow", async () => {
  const { app } = testApp();
  for (const method of ["GET", "PUT", "DELETE"]) {
    const res = await app.request("/predict", { method });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "POST");
    assert.match((await res.json()).detail, new RegExp(`${method} is not allowed on /predict`));
  }
  const res = await app.request("/health", { method: "POST" });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD");
  await res.body?.cancel();
});

Deno.test("the alias history and /feedback routes are in the derived table: 405 + Allow and their own path label", async () => {
  const { app, metrics } = testApp();
  for (const alias of ["champion", "challenger"]) {
    const res = await app.request(`/models/aliases/${alias}/history`, { method: "POST" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "GET, HEAD");
    await res.body?.cancel();
  }
  const res = await app.request("/feedback");
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "POST");
  await res.body?.cancel();
  const text = await metrics.registry.metrics();
  assert.match(
    text,
    /requests_total\{path="\/models\/aliases\/champion\/history",method="POST",status="405"\} 1/,
  );
  assert.match(text, /requests_total\{path="\/feedback",method="GET",status="405"\} 1/);
});

Deno.test("POST /feedback with labels and readings both is a 422 problem naming labels", async () => {
  const { app } = testApp();
  const res = await app.request("/feedback", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ labels: [], readings: [] }),
  });
  assert.equal(res.status, 422);
  assert.match(res.headers.get("content-type")!, /problem\+json/);
  const problem = await res.json();
  assert.equal(problem.type, "/docs#problem-validation");
  assert.equal(problem.errors[0].path, "labels");
});

Deno.test("unknown paths give 404 problem+json", async () => {
  const { app } = testApp();
  const res = await app.request("/nope");
  assert.equal(res.status, 404);
  assert.equal((await res.json()).type, "/docs#problem-not-found");
});

Deno.test("GET /health is 200 and GET /ready 503 with Retry-After while the model loads", async () => {
  const { app, state, detector } = testApp({ notReady: true });
  const health = await app.request("/health");
  assert.equal(health.status, 200);
  const h = await health.json();
  assert.equal(h.status, "ok");
  assert.equal(h.model, "isolation_forest");
  assert.deepEqual(h.features, ["voltage", "current", "frequency"]);
  const ready = await app.request("/ready");
  assert.equal(ready.status, 503);
  assert.equal(ready.headers.get("retry-after"), "5");
  await ready.body?.cancel();
  const predict = await postPredict(app, JSON.stringify({ readings: [good] }));
  assert.equal(predict.status, 503);
  assert.equal(predict.headers.get("retry-after"), "5");
  assert.equal((await predict.json()).type, "/docs#problem-not-ready");
  state.setReady(detector);
  assert.equal((await app.request("/ready")).status, 200);
});

Deno.test("a failed model load keeps /health up and /ready 503 with the reason", async () => {
  const { app, state } = testApp({ notReady: true });
  state.setFailed("Model artifact is corrupt and TRAIN_IF_MISSING=0");
  assert.equal((await app.request("/health")).status, 200);
  const ready = await app.request("/ready");
  assert.equal(ready.status, 503);
  assert.equal((await ready.json()).reason, "Model artifact is corrupt and TRAIN_IF_MISSING=0");
});

Deno.test("draining makes /ready 503 while /predict still answers", async () => {
  const { app, state } = testApp();
  state.startDraining();
  const ready = await app.request("/ready");
  assert.equal(ready.status, 503);
  assert.equal((await ready.json()).status, "draining");
  assert.equal((await postPredict(app, JSON.stringify({ readings: [good] }))).status, 200);
});

Deno.test("GET /model returns the loaded model's metadata", async () => {
  const { app } = testApp();
  const body = await (await app.request("/model")).json();
  assert.equal(body.version, "sha256:fake00000000");
  assert.equal(body.config.contamination, 0.05);
  assert.equal(body.artifact, "models/isolation_forest.json");
});

Deno.test("GET /simulate returns labeled readings reproducible from the seed", async () => {
  const { app } = testApp();
  const a = await (await app.request("/simulate?n=20&anomaly_rate=0.5&seed=7")).json();
  const b = await (await app.request("/simulate?n=20&anomaly_rate=0.5&seed=7")).json();
  assert.equal(a.readings.length, 20);
  assert.deepEqual(a, b);
  assert.ok(a.readings.some((r: { anomaly: boolean }) => r.anomaly));
  const bad = await app.request("/simulate?n=0");
  assert.equal(bad.status, 422);
  assert.match((await bad.json()).detail, /query\.n must be an integer from 1 to 100, got "0"/);
});

Deno.test("GET /metrics counts requests under route patterns only", async () => {
  const { app, metrics } = testApp();
  await postPredict(
    app,
    JSON.stringify({ readings: [good, { voltage: 300, current: 1, frequency: 50 }] }),
  );
  const before =
    (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === "requests_total")!.values
      .length;
  for (let i = 0; i < 200; i++) await (await app.request(`/random-${i}`)).body?.cancel();
  // 200 distinct unknown paths add exactly one series: path="other".
  const after =
    (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === "requests_total")!.values
      .length;
  assert.equal(after, before + 1);
  const res = await app.request("/metrics");
  assert.match(res.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /requests_total\{path="\/predict",method="POST",status="200"\} 1/);
  assert.match(text, /requests_total\{path="other",method="GET",status="404"\} 200/);
  assert.match(text, /^anomalies_total 1$/m);
  assert.match(text, /^readings_total 2$/m);
  assert.match(text, /inference_latency_seconds_count 1/);
  assert.match(text, /request_latency_seconds_bucket\{le="0.3",path="\/predict",method="POST"\} 1/);
  assert.match(text, /request_latency_seconds_bucket\{le="1.2",/);
  assert.match(text, /^model_ready 1$/m);
});

Deno.test("GET /openapi.json describes the validated schema and GET /docs serves the page", async () => {
  const { app } = testApp();
  const doc = await (await app.request("/openapi.json")).json();
  assert.equal(doc.openapi, "3.1.0");
  assert.deepEqual(doc.components.schemas.Reading.required, ["voltage", "current", "frequency"]);
  assert.equal(doc.components.schemas.PredictRequest.properties.readings.maxItems, 100);
  const page = await (await app.request("/docs")).text();
  assert.match(page, /Grid anomaly detection API/);
  assert.match(page, /id="problem-validation"/);
});

Deno.test("model_info{version} has a sample of 1 once a model is loaded, and none before", async () => {
  const { app, state, detector } = testApp({ notReady: true });
  const before = await (await app.request("/metrics")).text();
  assert.match(before, /^# TYPE model_info gauge$/m);
  assert.doesNotMatch(before, /^model_info\{/m);
  state.setReady(detector);
  const after = await (await app.request("/metrics")).text();
  const samples = after.split("\n").filter((l) => l.startsWith("model_info{"));
  assert.deepEqual(samples, [`model_info{version="${detector.info.version}"} 1`]);
  state.startDraining();
  assert.match(await (await app.request("/metrics")).text(), /^model_info\{version=".+"\} 1$/m);
});

Deno.test("POST /predict ignores unknown keys, counts them by place, and accepts null for optional fields", async () => {
  const { app, metrics } = testApp({ realModel: true });
  const res = await postPredict(
    app,
    JSON.stringify({
      readings: [
        { voltage: 230, current: 10, frequency: 50, timestamp: null, sensor_id: "feeder-7" },
        { voltage: 231, current: 10, frequency: 50, timestamp: "2026-01-01T00:00:00Z", x: 1, y: 2 },
      ],
      request_id: "abc",
    }),
  );
  assert.equal(res.status, 200);
  assert.equal((await res.json()).total, 2);
  const text = await metrics.registry.metrics();
  assert.match(text, /^ignored_fields_total\{where="body"\} 1$/m);
  assert.match(text, /^ignored_fields_total\{where="reading"\} 3$/m);
  // The label is the place, never the key: 100 different keys add no series.
  const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
  const again = await postPredict(
    app,
    JSON.stringify({ readings: [{ voltage: 230, current: 10, frequency: 50, ...many }] }),
  );
  assert.equal(again.status, 200);
  const series = (await metrics.registry.metrics()).split("\n")
    .filter((l) => l.startsWith("ignored_fields_total{"));
  assert.deepEqual(series, [
    'ignored_fields_total{where="body"} 1',
    'ignored_fields_total{where="reading"} 103',
  ]);
});

Deno.test("POST /predict keeps __proto__ and constructor keys inert", async () => {
  const { app, detector } = testApp();
  for (
    const body of [
      '{"readings":[{"__proto__":{"polluted":1},"voltage":230,"current":1,"frequency":50}]}',
      '{"__proto__":{"polluted":1},"readings":[{"voltage":230,"current":1,"frequency":50}]}',
      '{"readings":[{"constructor":{"prototype":{"polluted":1}},"voltage":230,"current":1,"frequency":50}]}',
      '{"constructor":{"prototype":{"polluted":1}},"readings":[{"voltage":230,"current":1,"frequency":50,"timestamp":null}]}',
    ]
  ) {
    const res = await postPredict(app, body);
    assert.equal(res.status, 200, body);
    await res.body?.cancel();
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  // The detector saw exactly the three fields, copied one by one.
  assert.equal(detector.calls, 4);
  assert.deepEqual(Object.keys(detector.last![0]).sort(), ["current", "frequency", "voltage"]);
  assert.equal(Object.getPrototypeOf(detector.last![0]), Object.prototype);
});

Deno.test("POST /predict past MAX_BODY_BYTES_IN_FLIGHT gets 503 with Retry-After before its body is read", async () => {
  const { app, metrics } = testApp({
    env: { MAX_BODY_BYTES: "65536", MAX_BODY_BYTES_IN_FLIGHT: "131072" },
  });
  const body = new TextEncoder().encode(
    JSON.stringify({ readings: [{ voltage: 230, current: 10, frequency: 50 }] }),
  );
  // Two uploads that declare 60 KB each and stall hold 120 KB of the 128 KiB budget.
  const releases: (() => void)[] = [];
  const stalled = (declared: number) => {
    let pulled = false;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        pulled = true;
        await new Promise<void>((r) => releases.push(r));
        controller.enqueue(new Uint8Array(declared - body.length).fill(0x20));
        controller.enqueue(body);
        controller.close();
      },
    }, { highWaterMark: 0 });
    const res = app.request("/predict", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json", "content-length": String(declared) },
      duplex: "half",
    } as RequestInit);
    return { res: Promise.resolve(res), pulled: () => pulled };
  };
  const a = stalled(60_000);
  const b = stalled(60_000);
  while (releases.length < 2) await new Promise((r) => setTimeout(r, 5));
  assert.match(await metrics.registry.metrics(), /^body_bytes_in_flight 120000$/m);
  const c = stalled(60_000);
  const shed = await c.res;
  assert.equal(shed.status, 503);
  assert.equal(shed.headers.get("retry-after"), "1");
  assert.equal(shed.headers.get("connection"), "close");
  assert.match((await shed.json()).detail, /MAX_BODY_BYTES_IN_FLIGHT/);
  assert.equal(c.pulled(), false);
  // A small body still fits beside them.
  const small = await postPredict(app, new TextDecoder().decode(body), {
    "content-type": "application/json",
    "content-length": String(body.length),
  });
  assert.equal(small.status, 200);
  await small.body?.cancel();
  for (const release of releases) release();
  assert.deepEqual(
    await Promise.all([a.res, b.res].map(async (p) => {
      const r = await p;
      await r.body?.cancel();
      return r.status;
    })),
    [200, 200],
  );
  assert.match(await metrics.registry.metrics(), /^body_bytes_in_flight 0$/m);
});

Deno.test("a chunked /predict body reserves as it arrives and gets 503 when the budget runs out mid-body", async () => {
  const { app, metrics } = testApp({
    env: { MAX_BODY_BYTES: "1048576", MAX_BODY_BYTES_IN_FLIGHT: "1048576" },
  });
  const reading = JSON.stringify({ voltage: 230, current: 10, frequency: 50 });
  const chunked = (readings: number) => {
    const text = `{"readings":[${Array(readings).fill(reading).join(",")}]}`;
    const bytes = new TextEncoder().encode(text);
    return app.request("/predict", {
      method: "POST",
      // A stream without a length: sent chunked, like a streaming client.
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 8_192) {
            controller.enqueue(bytes.slice(i, i + 8_192));
          }
          controller.close();
        },
      }),
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
  };
  // 4,000 readings (about 180 KB) fit while nothing else is in flight.
  const alone = await chunked(4_000);
  assert.equal(alone.status, 422); // over MAX_BATCH=100 of the test app: read, parsed, validated
  await alone.body?.cancel();
  // An upload that declared 900 KB and stalls leaves about 150 KB: the chunked body starts (64 KiB)
  // but cannot grow to 180 KB.
  let release!: () => void;
  const held = app.request("/predict", {
    method: "POST",
    body: new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise<void>((r) => (release = r));
        controller.enqueue(new TextEncoder().encode(`{"readings":[${reading}]}`.padEnd(900_000)));
        controller.close();
      },
    }, { highWaterMark: 0 }),
    headers: { "content-type": "application/json", "content-length": "900000" },
    duplex: "half",
  } as RequestInit);
  while (release === undefined) await new Promise((r) => setTimeout(r, 5));
  const shed = await chunked(4_000);
  assert.equal(shed.status, 503);
  assert.equal(shed.headers.get("retry-after"), "1");
  assert.equal(shed.headers.get("connection"), "close");
  assert.match((await shed.json()).detail, /MAX_BODY_BYTES_IN_FLIGHT/);
  // A small chunked body still fits in its first 64 KiB.
  const small = await chunked(10);
  assert.equal(small.status, 200);
  await small.body?.cancel();
  release();
  const first = await held;
  assert.equal(first.status, 200);
  await first.body?.cancel();
  assert.match(await metrics.registry.metrics(), /^body_bytes_in_flight 0$/m);
});

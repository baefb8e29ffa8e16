import assert from "node:assert/strict";
import { Hono } from "hono";
import { HttpError, problemResponse } from "../../../lib/problem.ts";
import { simulateParams, simulateRoutes } from "./simulate.ts";

/** The sub-app behind the app's one error handler, as `createApp` mounts it. */
function app(maxReadings: number): Hono {
  const root = new Hono();
  root.onError((err) => {
    if (err instanceof HttpError) return problemResponse(err);
    throw err;
  });
  root.route("/", simulateRoutes({ maxReadings }));
  return root;
}

async function get(maxReadings: number, query: string) {
  const res = await app(maxReadings).request(`/simulate${query}`);
  return { status: res.status, body: await res.json() };
}

Deno.test("GET /simulate answers n labeled readings with the seed and rate it used", async () => {
  const { status, body } = await get(100, "?n=12&anomaly_rate=0.5&seed=9");
  assert.equal(status, 200);
  assert.equal(body.n, 12);
  assert.equal(body.seed, 9);
  assert.equal(body.anomaly_rate, 0.5);
  assert.equal(body.readings.length, 12);
  for (const r of body.readings) {
    for (const f of ["voltage", "current", "frequency"]) assert.equal(typeof r[f], "number");
    assert.equal(typeof r.anomaly, "boolean");
  }
  assert.deepEqual((await get(100, "?n=12&anomaly_rate=0.5&seed=9")).body, body, "same seed");
  assert.notDeepEqual(
    (await get(100, "?n=12&anomaly_rate=0.5&seed=10")).body.readings,
    body.readings,
  );
});

Deno.test("GET /simulate anomaly_rate 0 gives only normal readings and 1 only anomalies", async () => {
  const none = (await get(500, "?n=500&anomaly_rate=0&seed=1")).body.readings;
  assert.ok(none.every((r: { anomaly: boolean }) => !r.anomaly));
  const all = (await get(500, "?n=500&anomaly_rate=1&seed=1")).body.readings;
  assert.ok(all.every((r: { anomaly: boolean }) => r.anomaly));
});

Deno.test("GET /simulate without a seed draws one and returns it, so the output can be repeated", async () => {
  const first = (await get(100, "?n=5")).body;
  assert.ok(Number.isInteger(first.seed) && first.seed >= 0 && first.seed <= 0xffff_ffff);
  assert.equal(first.n, 5);
  assert.equal(first.anomaly_rate, 0.05);
  const again = (await get(100, `?n=5&seed=${first.seed}`)).body;
  assert.deepEqual(again.readings, first.readings);
});

Deno.test("GET /simulate by default never returns more readings than one /predict request takes", async () => {
  assert.equal((await get(5_000, "?seed=1")).body.readings.length, 64);
  // With a MAX_BATCH below 64 the default follows it, so the output can still be posted as is.
  assert.equal((await get(10, "?seed=1")).body.readings.length, 10);
  assert.equal(simulateParams(10).n.default, 10);
});

Deno.test("GET /simulate accepts each parameter at its bounds and rejects just beyond, naming the range", async () => {
  assert.equal((await get(50, "?n=50&seed=4294967295&anomaly_rate=1")).status, 200);
  assert.equal((await get(50, "?n=1&seed=0&anomaly_rate=0")).status, 200);
  const cases: [string, string, RegExp][] = [
    ["?n=51", "query.n", /^query\.n must be an integer from 1 to 50, got "51"$/],
    ["?n=0", "query.n", /^query\.n must be an integer from 1 to 50, got "0"$/],
    ["?n=2.5", "query.n", /an integer from 1 to 50/],
    ["?n=ten", "query.n", /got "ten"$/],
    ["?seed=4294967296", "query.seed", /an integer from 0 to 4294967295/],
    ["?seed=-1", "query.seed", /an integer from 0 to 4294967295/],
    ["?anomaly_rate=1.01", "query.anomaly_rate", /must be between 0 and 1, got "1.01"$/],
    ["?anomaly_rate=NaN", "query.anomaly_rate", /between 0 and 1/],
  ];
  for (const [query, path, message] of cases) {
    const { status, body } = await get(50, query);
    assert.equal(status, 422, query);
    assert.equal(body.type, "/docs#problem-validation");
    assert.equal(body.errors.length, 1, query);
    assert.equal(body.errors[0].path, path, query);
    assert.match(body.errors[0].message, message, query);
    assert.equal(body.detail, body.errors[0].message);
  }
});

Deno.test("GET /simulate lists every bad parameter at once and quotes at most 40 characters of each", async () => {
  const long = "9".repeat(500);
  const { status, body } = await get(50, `?n=${long}&anomaly_rate=x&seed=-3`);
  assert.equal(status, 422);
  assert.deepEqual(body.errors.map((e: { path: string }) => e.path), [
    "query.n",
    "query.anomaly_rate",
    "query.seed",
  ]);
  assert.ok(body.errors[0].message.endsWith(`got "${"9".repeat(40)}"`));
});

Deno.test("GET /simulate shifts readings on purpose and names the shift; nonsense is a 422", async () => {
  const root = app(100);
  const get = async (q: string) => await root.request(`/simulate?n=20&seed=5&anomaly_rate=0&${q}`);
  const plain = await (await get("")).json();
  const res = await get("voltage_scale=1.02&frequency_offset=0.2");
  assert.equal(res.status, 200);
  const shifted = await res.json();
  assert.deepEqual(shifted.shift, { voltage_scale: 1.02, frequency_offset: 0.2 });
  assert.deepEqual(plain.shift, {});
  shifted.readings.forEach((r: { voltage: number; frequency: number }, i: number) => {
    assert.ok(Math.abs(r.voltage - plain.readings[i].voltage * 1.02) < 0.01);
    assert.ok(Math.abs(r.frequency - plain.readings[i].frequency - 0.2) < 0.002);
  });
  for (
    const q of ["voltage_scale=3", "voltage_scale=abc", "frequency_offset=-9", "current_scale=-1"]
  ) {
    const bad = await get(q);
    assert.equal(bad.status, 422, q);
    assert.match((await bad.json()).detail, new RegExp(`query\\.${q.split("=")[0]} must be`));
  }
});

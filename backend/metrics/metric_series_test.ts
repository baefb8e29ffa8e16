import assert from "node:assert/strict";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { CounterSeries, GaugeSeries, HistogramSeries } from "./metric_series.ts";

function pair() {
  const make = () => {
    const registry = new Registry();
    const histogram = new Histogram({
      name: "h_seconds",
      help: "h",
      labelNames: ["path", "method"] as const,
      buckets: [0.0005, 0.001, 0.3, 1.2, 5, 10],
      registers: [registry],
    });
    const plain = new Histogram({
      name: "p_readings",
      help: "p",
      buckets: [1, 8, 64],
      registers: [registry],
    });
    const counter = new Counter({
      name: "c_total",
      help: "c",
      labelNames: ["path", "status"] as const,
      registers: [registry],
    });
    const total = new Counter({ name: "t_total", help: "t", registers: [registry] });
    return { registry, histogram, plain, counter, total };
  };
  return { viaApi: make(), viaSeries: make() };
}

const VALUES = [0, 0.0002, 0.0005, 0.0007, 0.2, 1.2, 7, 10, 11, 1e6];

Deno.test("HistogramSeries and CounterSeries give the same exposition as prom-client's API", async () => {
  const { viaApi, viaSeries } = pair();
  const a = { path: "/predict", method: "POST" };
  const b = { path: "other", method: "GET" };
  const series = {
    a: new HistogramSeries(viaSeries.histogram, a),
    b: new HistogramSeries(viaSeries.histogram, b),
    plain: new HistogramSeries(viaSeries.plain),
    ok: new CounterSeries(viaSeries.counter, { path: "/predict", status: "200" }),
    total: new CounterSeries(viaSeries.total),
  };
  for (const v of VALUES) {
    viaApi.histogram.observe(a, v);
    series.a.observe(v);
    viaApi.plain.observe(v * 100);
    series.plain.observe(v * 100);
    viaApi.counter.inc({ path: "/predict", status: "200" }, v);
    series.ok.inc(v);
    viaApi.total.inc();
    series.total.inc();
  }
  viaApi.histogram.observe(b, 0.001);
  series.b.observe(0.001);
  assert.equal(await viaSeries.registry.metrics(), await viaApi.registry.metrics());
});

Deno.test("a series binds again after reset() and remove(), and rejects what prom-client rejects", async () => {
  const { viaApi, viaSeries } = pair();
  const labels = { path: "/predict", method: "POST" };
  const series = new HistogramSeries(viaSeries.histogram, labels);
  const counter = new CounterSeries(viaSeries.counter, { path: "/a", status: "500" });
  series.observe(1);
  counter.inc(2);
  viaSeries.histogram.reset();
  viaSeries.counter.remove({ path: "/a", status: "500" });
  series.observe(0.2);
  counter.inc();
  viaApi.histogram.observe(labels, 0.2);
  viaApi.counter.inc({ path: "/a", status: "500" });
  assert.equal(await viaSeries.registry.metrics(), await viaApi.registry.metrics());
  assert.throws(() => series.observe(NaN), TypeError);
  assert.throws(() => counter.inc(-1), /not possible to decrease/);
});

Deno.test("GaugeSeries gives the same exposition as prom-client's API, also after set() and reset()", async () => {
  const make = () => {
    const registry = new Registry();
    const plain = new Gauge({ name: "g_bytes", help: "g", registers: [registry] });
    const labelled = new Gauge({
      name: "l_info",
      help: "l",
      labelNames: ["version"] as const,
      registers: [registry],
    });
    return { registry, plain, labelled };
  };
  const viaApi = make();
  const viaSeries = make();
  const plain = new GaugeSeries(viaSeries.plain);
  const labelled = new GaugeSeries(viaSeries.labelled, { version: "v1" });
  for (const v of [3, 0, 7.5, -2]) {
    viaApi.plain.inc(v);
    plain.inc(v);
    viaApi.labelled.dec({ version: "v1" }, v);
    labelled.dec(v);
  }
  assert.equal(await viaSeries.registry.metrics(), await viaApi.registry.metrics());
  // prom-client's own set() and reset() replace the entry the series wrote into.
  viaSeries.plain.set(40);
  viaApi.plain.set(40);
  plain.inc();
  viaApi.plain.inc();
  viaSeries.labelled.reset();
  viaApi.labelled.reset();
  labelled.set(5);
  viaApi.labelled.set({ version: "v1" }, 5);
  assert.equal(await viaSeries.registry.metrics(), await viaApi.registry.metrics());
  assert.equal((await viaSeries.plain.get()).values[0].value, 41);
  assert.throws(() => plain.set("1" as unknown as number), TypeError);
});

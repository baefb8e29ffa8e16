import assert from "node:assert/strict";
import { niceCeil, renderChart } from "./chart.ts";

const input = {
  title: "HPA <dev> & load",
  samples: [
    { t: -4, spec: 1, ready: 1, cpu: 3 },
    { t: 20, spec: 3, ready: 1, cpu: 180 },
    { t: 26, spec: 3, ready: 3, cpu: 120 },
    { t: 150, spec: 1, ready: 1, cpu: 2 },
  ],
  windows: [
    { t: 0, ok: 100, failed: 0, p99_ms: 40 },
    { t: 5, ok: 100, failed: 0, p99_ms: 830 },
    { t: 10, ok: 0, failed: 3, p99_ms: null },
  ],
  loadEndS: 120,
  maxReplicas: 5,
};

Deno.test("niceCeil() rounds up to 1, 2 or 5 times a power of ten", () => {
  assert.equal(niceCeil(830), 1000);
  assert.equal(niceCeil(120), 200);
  assert.equal(niceCeil(41), 50);
  assert.equal(niceCeil(5), 5);
  assert.equal(niceCeil(0), 1);
});

Deno.test("renderChart() draws ready and desired replicas as steps and p99 per window", () => {
  const svg = renderChart(input);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  const paths = [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);
  assert.equal(paths.length, 3, "desired, ready and p99");
  // Steps: one H and one V per sample after the first.
  assert.equal((paths[1].match(/H/g) ?? []).length, input.samples.length - 1);
  // The window without successes has no latency point.
  assert.equal((svg.match(/<circle /g) ?? []).length, 2);
  // Escaped title; the right axis reaches the nice ceiling of the worst p99.
  assert.ok(svg.includes("HPA &lt;dev&gt; &amp; load"));
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.ok(texts.includes("1000"));
  // Replica axis up to the HPA maximum.
  assert.ok(texts.includes("5"));
});

Deno.test("renderChart() refuses a report without samples", () => {
  assert.throws(() => renderChart({ ...input, samples: [] }), /at least one replica sample/);
});

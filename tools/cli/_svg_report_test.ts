import assert from "node:assert/strict";
import { MAX_PANELS, renderSvgReport } from "./_svg_report.ts";

Deno.test("renderSvgReport() draws a panel per file, labels, threshold and the PR curve", () => {
  const scores = Array.from({ length: 5000 }, (_, i) => (i > 3000 && i < 3100 ? 0.9 : 0.3));
  const labels = scores.map((s) => s > 0.5);
  const svg = renderSvgReport({
    title: "a <test> & more",
    threshold: 0.6,
    panels: [{ name: "a.csv", scores, labels, trainRows: 2000 }, {
      name: "b.csv",
      scores,
      labels: null,
      trainRows: 0,
    }],
    pr: [{ threshold: 0.9, precision: 1, recall: 1 }],
    operating: { precision: 1, recall: 1 },
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<title>a &lt;test&gt; &amp; more<\/title>/);
  assert.equal(svg.match(/class="score"/g)?.length, 2);
  assert.equal(svg.match(/class="threshold"/g)?.length, 2);
  assert.equal(svg.match(/class="label"/g)?.length, 1);
  assert.equal(svg.match(/class="split"/g)?.length, 1);
  assert.match(svg, /class="operating"/);
  // The spike survives downsampling: some point sits above the threshold line.
  const points = /points="([^"]+)" class="score"/.exec(svg)![1].split(" ").map((p) =>
    Number(p.split(",")[1])
  );
  const line = Number(/y1="([0-9.]+)"[^>]*class="threshold"/.exec(svg)![1]);
  assert.ok(points.some((y) => y < line));
});

Deno.test("renderSvgReport() notes files beyond the panel limit", () => {
  const panel = { name: "f", scores: [0.1, 0.2], labels: null, trainRows: 0 };
  const svg = renderSvgReport({
    title: "t",
    threshold: 0.5,
    panels: Array.from({ length: MAX_PANELS + 2 }, () => panel),
    pr: [],
    operating: null,
  });
  assert.equal(svg.match(/class="score"/g)?.length, MAX_PANELS);
  assert.match(svg, /2 more files not drawn/);
  assert.match(svg, /no labeled anomalies to draw a curve/);
});

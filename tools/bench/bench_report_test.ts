import assert from "node:assert/strict";
import {
  type BenchRow,
  cpuTargetRatios,
  medianRow,
  parseWrk,
  replaceMarked,
  replaceSection,
  SECTION_END,
  SECTION_START,
  targetRatios,
  TARGETS,
  targetsTable,
  throughputSvg,
  throughputTable,
} from "./bench_report.ts";

const WRK = `Running 5s test @ http://127.0.0.1:8000/predict
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.36ms  311.10us   9.81ms   95.68%
    Req/Sec     6.80k   300.00     7.10k    80.00%
  Latency Distribution
     50%  847.00us
     75%    2.30ms
     90%    2.50ms
     99%    1.24s
  34000 requests in 5.00s, 12.45MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   6800.50
Transfer/sec:      2.49MB
`;

Deno.test("parseWrk() reads rate, p50/p99 in ms, totals and errors", () => {
  assert.deepEqual(parseWrk(WRK), {
    requestsPerSec: 6800.5,
    p50Ms: 0.847,
    p99Ms: 1240,
    requests: 34000,
    errors: 10,
  });
});

Deno.test("parseWrk() throws a TypeError when wrk printed no figures", () => {
  assert.throws(() => parseWrk("unable to connect to 127.0.0.1:1 Connection refused"), {
    name: "TypeError",
    message: /lacks Requests\/sec/,
  });
});

const wrk = (rps: number, p50 = 1, p99 = 4) => ({
  requestsPerSec: rps,
  p50Ms: p50,
  p99Ms: p99,
  requests: rps * 5,
  errors: 0,
});
const ROWS: BenchRow[] = [
  { target: "echo", batch: 1, wrk: wrk(10000, 1, 2) },
  { target: "echo", batch: 64, wrk: wrk(5000) },
  { target: "svc", batch: 1, wrk: wrk(2500, 4, 8) },
  { target: "svc", batch: 64, wrk: wrk(1000) },
];

Deno.test("throughputTable() gives service rows their ratio to the echo row of the same batch", () => {
  const lines = throughputTable(ROWS, "echo").split("\n");
  assert.equal(lines.length, 6);
  assert.match(lines[2], /^\| echo \| 1 \| 10,000 \| — \| 10,000 \|.*\| — \| — \| — \|$/);
  assert.match(
    lines[4],
    /^\| svc \| 1 \| 2,500 \| — \| 2,500 \| 4\.00 \| 8\.00 \| 0 \| 0\.25× \| 4\.00× \| 4\.00× \|$/,
  );
  assert.match(lines[5], /\| svc \| 64 \| 1,000 \| — \| 64,000 \|.*\| 0\.20× \|/);
});

Deno.test("medianRow() keeps the median run and the requests/s range", () => {
  const row = medianRow("svc", 64, [wrk(900, 9), wrk(1100, 11), wrk(1000, 10)]);
  assert.equal(row.wrk.requestsPerSec, 1000);
  assert.equal(row.wrk.p50Ms, 10);
  assert.deepEqual(row.range, [900, 1100]);
  assert.equal(medianRow("svc", 1, [wrk(5)]).range, undefined);
  assert.match(throughputTable([row], "echo"), /\| svc \| 64 \| 1,000 \| 900–1,100 \|/);
  assert.throws(() => medianRow("svc", 1, []), { name: "RangeError" });
});

Deno.test("throughputSvg() draws one line per target and labels every batch size", () => {
  const svg = throughputSvg(ROWS, "a <title>");
  assert.ok(svg.startsWith("<svg xmlns="));
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
  assert.equal((svg.match(/<circle /g) ?? []).length, 4);
  assert.match(svg, />a &lt;title&gt;</);
  assert.match(svg, />64</);
  assert.match(svg, />svc</);
});

Deno.test("replaceSection() updates only its own section and keeps the others", () => {
  const first = replaceSection(null, "## Service\nv1");
  assert.match(first, /^# Performance\n/);
  const withOthers = first + "\n## UI\nui numbers\n";
  const second = replaceSection(withOthers, "## Service\nv2");
  assert.ok(second.includes("## UI\nui numbers"));
  assert.ok(second.includes("v2") && !second.includes("v1"));
  assert.equal(second.split(SECTION_START).length, 2);
  const appended = replaceSection("# Performance\n\n## Detector\nd\n", "## Service\nv3");
  assert.ok(appended.startsWith("# Performance\n\n## Detector\nd\n\n" + SECTION_START));
  assert.ok(appended.trimEnd().endsWith(SECTION_END));
});

Deno.test("targetRatios() compares batch 1 with the echo and batch 64 with 1 / (1/echo + scoring)", () => {
  // echo 5,000 req/s at batch 64 is 200 µs a request; scoring 300 µs more bounds it to 2,000 req/s.
  const r = targetRatios(ROWS, "echo", "svc", 300e-6);
  assert.equal(r.batch1, 0.25);
  assert.ok(Math.abs(r.bound64! - 2000) < 1e-9);
  assert.ok(Math.abs(r.batch64! - 0.5) < 1e-12);
  assert.deepEqual(targetRatios(ROWS, "echo", "nobody", 300e-6), { bound64: r.bound64 });
});

Deno.test("cpuTargetRatios() does the same from CPU µs per request and medianRow() keeps its median", () => {
  const cpu = (c: number) => ({ ...wrk(1000), cpuUsPerRequest: c });
  const rows: BenchRow[] = [
    medianRow("echo", 1, [cpu(10), cpu(11), cpu(9)]),
    medianRow("echo", 64, [cpu(40), cpu(40)]),
    medianRow("svc", 1, [cpu(40), cpu(41), cpu(39)]),
    medianRow("svc", 64, [cpu(300), wrk(1000)]),
  ];
  assert.equal(rows[0].cpuUsPerRequest, 10);
  // Not every run measured CPU: no figure rather than a biased one.
  assert.equal(rows[3].cpuUsPerRequest, undefined);
  assert.deepEqual(cpuTargetRatios(rows, "echo", "svc", 160e-6), { batch1: 0.25 });
  rows[3] = medianRow("svc", 64, [cpu(250), cpu(350)]);
  assert.ok(Math.abs(cpuTargetRatios(rows, "echo", "svc", 160e-6).batch64! - 200 / 300) < 1e-12);
});

Deno.test("targetsTable() says met at the target and not met below it, from both measures", () => {
  const table = targetsTable(
    { batch1: TARGETS.batch1, bound64: 2000, batch64: 0.69 },
    { batch1: 0.2, batch64: 0.7 },
    160e-6,
  );
  const [, , batch1, batch64] = table.split("\n");
  assert.equal(
    batch1,
    "| batch 1: service / echo | 0.250 (target ≥ 0.25: met) | 0.200 (target ≥ 0.25: not met) |",
  );
  assert.equal(
    batch64,
    "| batch 64: service / bound, bound = 1 / (1/echo + 160 µs scoring) = 2000 req/s | " +
      "0.690 (target ≥ 0.7: not met) | 0.700 (target ≥ 0.7: met) |",
  );
  assert.ok(targetsTable({}, {}, 160e-6).includes("| — | — |"), "missing figures show a dash");
});

Deno.test("replaceMarked() replaces between its own markers only, and appends when they are absent", () => {
  const markers = { start: "<!-- x:start -->", end: "<!-- x:end -->" };
  const doc = "# P\n\n<!-- y:start -->\ny\n<!-- y:end -->\n";
  const added = replaceMarked(doc, markers, "one");
  assert.equal(added, `${doc.trimEnd()}\n\n<!-- x:start -->\none\n<!-- x:end -->\n`);
  const replaced = replaceMarked(added, markers, "two\n");
  assert.ok(replaced.includes("<!-- x:start -->\ntwo\n<!-- x:end -->"));
  assert.ok(!replaced.includes("one"));
  assert.ok(replaced.includes("<!-- y:start -->\ny\n<!-- y:end -->"));
});

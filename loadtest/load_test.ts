/**
 * `deno task load` end to end: the CLI, run as a subprocess with the workshop
 * guide's flags, against the real backend.
 */
import assert from "node:assert/strict";
import { REPO_ROOT, startBackend } from "../testing/backend_process.ts";
import type { LoadReport } from "./load_runner.ts";

async function load(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", `${REPO_ROOT}loadtest/load.ts`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("deno task load --json reports every request to the real backend", async () => {
  const backend = await startBackend();
  try {
    const r = await load([
      "--url",
      backend.url,
      "--rps",
      "40",
      "--duration",
      "1",
      "--batch-size",
      "8",
      "--workers",
      "8",
      "--anomaly-rate",
      "0.3",
      "--no-keepalive",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as LoadReport;
    assert.equal(report.scheduled, 40);
    assert.equal(report.sent + report.dropped, 40);
    assert.equal(report.ok, report.sent);
    assert.deepEqual(report.by_status, { "200": report.ok });
    assert.equal(report.readings, report.ok * 8);
    assert.ok(report.anomalies > 0, "a 30 % anomaly rate should flag something");
    const servers = Object.keys(report.served_by);
    assert.equal(servers.length, 1);
    assert.match(servers[0], /:\d+$/, `served_by "${servers[0]}" should be pod:pid`);
    assert.equal(report.config.keepalive, false);
    // The progress line goes to stderr, never into the JSON on stdout.
    assert.match(r.stderr, /sent \d+ ok \d+ err 0/);
  } finally {
    await backend.stop();
  }
});

Deno.test("deno task load prints a readable report and exits 1 when nothing succeeds", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const r = await load(["--url", `http://127.0.0.1:${port}`, "--rps", "10", "--duration", "0.3"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /outcome:\s+ok 0 {2}errors 3/);
  assert.match(r.stdout, /network_error=3/);
  assert.match(r.stdout, /latency:\s+- \(no successful response\)/);
});

Deno.test("deno task load rejects a bad flag with exit code 2 and the usage", async () => {
  const r = await load(["--batch-size", "0"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--batch-size must be a positive integer, got "0"/);
  assert.match(r.stderr, /Usage: deno task load/);
});

Deno.test("deno task load --kafka rejects a bad flag with exit code 2 and its usage", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-sys",
      `${REPO_ROOT}loadtest/load.ts`,
      "--kafka",
      "--bootstrap",
      "127.0.0.1:9",
      "--rate",
      "0",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2);
  assert.match(stderr, /--rate must be an integer from 1 to 1000000, got "0"/);
  assert.match(stderr, /Usage: deno task load --kafka/);
});

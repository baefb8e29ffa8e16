/**
 * The k6 scripts under the real k6 (built by .ci/setup.d/50-loadtest.sh):
 * every script loads (TypeScript and the shared simulator included), the
 * smoke script passes against the real backend, and its thresholds really
 * gate: against a failing server k6 exits 99.
 */
import assert from "node:assert/strict";
import { REPO_ROOT, startBackend } from "../testing/backend_process.ts";
import { skipUnless } from "../testing/tools.ts";
import { startCountingServer } from "./_counting_server.ts";

const SCRIPTS = ["smoke", "workshop", "ramp", "spike", "soak", "hpa"];

async function k6(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command("k6", {
    args,
    cwd: REPO_ROOT,
    env: { K6_NO_USAGE_REPORT: "true", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

interface Inspected {
  noConnectionReuse: boolean;
  scenarios: Record<string, { executor: string; rate?: number; duration?: string }>;
  thresholds: Record<string, string[]>;
}

Deno.test(
  "k6 loads every script with the shared thresholds",
  { ignore: skipUnless("k6") },
  async () => {
    for (const name of SCRIPTS) {
      const r = await k6(["inspect", `loadtest/k6/${name}.ts`]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      const opts = JSON.parse(r.stdout) as Inspected;
      assert.deepEqual(opts.thresholds.http_req_failed, ["rate<0.01"], name);
      assert.deepEqual(opts.thresholds.checks, ["rate>0.99"], name);
      assert.deepEqual(opts.thresholds["http_req_duration{endpoint:predict}"], [
        "p(95)<300",
        "p(99)<1200",
      ]);
    }
    const workshop = JSON.parse(
      (await k6(["inspect", "loadtest/k6/workshop.ts"])).stdout,
    ) as Inspected;
    assert.deepEqual(workshop.scenarios.workshop, {
      ...workshop.scenarios.workshop,
      executor: "constant-arrival-rate",
      rate: 150,
      duration: "2m0s",
    });
    assert.deepEqual(workshop.thresholds.dropped_iterations, ["count<180"]);
    // The guide's --no-keepalive maps to k6's noConnectionReuse.
    const reuse = await k6(["inspect", "-e", "NO_KEEPALIVE=1", "loadtest/k6/workshop.ts"]);
    assert.equal(JSON.parse(reuse.stdout).noConnectionReuse, true);
    assert.equal(workshop.noConnectionReuse, false);
    // hpa.ts: one always-true threshold per 5 s window and metric, covering the run + 30 s.
    const hpa = JSON.parse(
      (await k6(["inspect", "-e", "DURATION=20", "loadtest/k6/hpa.ts"])).stdout,
    ) as Inspected;
    const windows = Object.keys(hpa.thresholds).filter((k) => k.startsWith("window_latency{w:"));
    assert.equal(windows.length, 10);
    assert.deepEqual(hpa.thresholds["window_latency{w:9}"], ["p(99)>=0"]);
  },
);

Deno.test(
  "k6 smoke passes against the real backend",
  { ignore: skipUnless("k6") },
  async () => {
    const backend = await startBackend();
    const dir = await Deno.makeTempDir();
    try {
      const summary = `${dir}/summary.json`;
      const r = await k6(
        ["run", "--quiet", "--summary-export", summary, "loadtest/k6/smoke.ts"],
        { BASE_URL: backend.url },
      );
      assert.equal(r.code, 0, `k6 exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
      const metrics = JSON.parse(await Deno.readTextFile(summary)).metrics;
      assert.equal(metrics.checks.fails, 0);
      assert.equal(metrics.iterations.count, 40);
    } finally {
      await backend.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "k6 smoke and workshop fail with exit code 99 when the server errors",
  { ignore: skipUnless("k6") },
  async () => {
    const server = startCountingServer(() => ({ status: 500 }));
    try {
      const smoke = await k6(["run", "--quiet", "loadtest/k6/smoke.ts"], {
        BASE_URL: server.url,
        ITERATIONS: "6",
      });
      assert.equal(smoke.code, 99, `expected threshold failure:\n${smoke.stderr}`);
      assert.match(smoke.stderr, /thresholds on metrics .* have been crossed/);
      const workshop = await k6(["run", "--quiet", "loadtest/k6/workshop.ts"], {
        BASE_URL: server.url,
        RATE: "20",
        DURATION: "2",
      });
      assert.equal(workshop.code, 99);
    } finally {
      await server.close();
    }
  },
);

Deno.test(
  "k6 workshop scenario (shortened) passes against the real backend",
  { ignore: skipUnless("k6") },
  async () => {
    const backend = await startBackend();
    try {
      const r = await k6(["run", "--quiet", "loadtest/k6/workshop.ts"], {
        BASE_URL: backend.url,
        RATE: "30",
        DURATION: "3",
        WORKERS: "8",
      });
      assert.equal(r.code, 0, `k6 exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    } finally {
      await backend.stop();
    }
  },
);

Deno.test(
  "a k6 archive carries the shared simulator and runs from standard input (the in-cluster recipe)",
  { ignore: skipUnless("k6") },
  async () => {
    const backend = await startBackend();
    const dir = await Deno.makeTempDir();
    try {
      const archive = `${dir}/smoke.tar`;
      const made = await k6(["archive", "-O", archive, "loadtest/k6/smoke.ts"]);
      assert.equal(made.code, 0, made.stderr);
      const child = new Deno.Command("k6", {
        args: ["run", "--quiet", "--type", "archive", "-e", `BASE_URL=${backend.url}`, "-"],
        cwd: dir,
        env: { K6_NO_USAGE_REPORT: "true", ITERATIONS: "4" },
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(await Deno.readFile(archive));
      await writer.close();
      const out = await child.output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, text);
      assert.match(text, /checks_succeeded\.*: 100\.00%/);
    } finally {
      await backend.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

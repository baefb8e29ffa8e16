/**
 * `options.ts` runs only inside k6 (it imports `k6/http` and reads `__ENV`),
 * so its behaviour is read back through `k6 inspect`: the options a script
 * gets for a given environment.
 */
import assert from "node:assert/strict";
import { REPO_ROOT } from "../../testing/backend_process.ts";
import { skipUnless } from "../../testing/tools.ts";

interface Inspected {
  scenarios: Record<
    string,
    {
      duration?: string;
      maxVUs?: number;
      stages?: { duration: string; target: number }[];
    }
  >;
  thresholds: Record<string, string[]>;
}

async function inspect(script: string, env: Record<string, string> = {}) {
  const args = ["inspect", ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`])];
  const out = await new Deno.Command("k6", {
    args: [...args, `loadtest/k6/${script}.ts`],
    cwd: REPO_ROOT,
    env: { K6_NO_USAGE_REPORT: "true" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function options(script: string, env: Record<string, string> = {}): Promise<Inspected> {
  const r = await inspect(script, env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const ignore = skipUnless("k6");

Deno.test(
  "TIME_SCALE scales every stage of a preset, never below one second",
  { ignore },
  async () => {
    const full = (await options("ramp")).scenarios.ramp.stages!;
    assert.deepEqual(full.map((s) => s.duration), ["30s", "2m0s", "3m0s", "1m0s", "2m0s", "1m0s"]);
    const quick = (await options("ramp", { TIME_SCALE: "0.1" })).scenarios.ramp.stages!;
    assert.deepEqual(quick.map((s) => s.duration), ["3s", "12s", "18s", "6s", "12s", "6s"]);
    assert.deepEqual(quick.map((s) => s.target), full.map((s) => s.target), "targets unchanged");
    const tiny = (await options("ramp", { TIME_SCALE: "0.001" })).scenarios.ramp.stages!;
    assert.ok(tiny.every((s) => s.duration === "1s"), JSON.stringify(tiny));
  },
);

Deno.test("the dropped-arrivals gate follows the scaled run length", { ignore }, async () => {
  // 150/s for 120 s: 1 % of 18,000 arrivals; a tenth of the time, a tenth of the budget.
  const full = await options("workshop");
  assert.deepEqual(full.thresholds.dropped_iterations, ["count<180"]);
  const quick = await options("workshop", { TIME_SCALE: "0.1" });
  assert.deepEqual(quick.thresholds.dropped_iterations, ["count<18"]);
  assert.equal(quick.scenarios.workshop.duration, "12s");
});

Deno.test(
  "P95_MS, P99_MS and MAX_VUS override the latency gate and the VU ceiling",
  { ignore },
  async () => {
    const o = await options("spike", { P95_MS: "450", P99_MS: "2000", MAX_VUS: "12" });
    assert.deepEqual(o.thresholds["http_req_duration{endpoint:predict}"], [
      "p(95)<450",
      "p(99)<2000",
    ]);
    assert.equal(o.scenarios.spike.maxVUs, 12);
  },
);

Deno.test(
  "a numeric variable that is not a number stops k6 with a message naming it",
  { ignore },
  async () => {
    for (const [name, raw] of [["TIME_SCALE", "abc"], ["P95_MS", "fast"], ["MAX_VUS", "1e"]]) {
      const r = await inspect("spike", { [name]: raw });
      assert.notEqual(r.code, 0, name);
      assert.match(r.stderr, new RegExp(`${name} must be a number, got \\\\"${raw}\\\\"`), name);
    }
  },
);

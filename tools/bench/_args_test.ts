import assert from "node:assert/strict";
import { flagList } from "./_args.ts";
import { REPO_ROOT } from "../../testing/backend_process.ts";

Deno.test("flagList() names each flag, with VALUE where it takes one", () => {
  assert.equal(
    flagList({ duration: { type: "string" }, write: { type: "boolean" } }),
    "--duration VALUE, --write",
  );
});

const SCRIPTS = [
  "ab",
  "bench",
  "detector_bench",
  "drift_bench",
  "feedback_bench",
  "fleet_bench",
  "overload_bench",
  "profile",
  "shadow_bench",
  "storm_bench",
  "temporal_bench",
];

Deno.test("every benchmark given an unknown flag prints one usage line and exits 2", async () => {
  for (const script of SCRIPTS) {
    const out = await new Deno.Command(Deno.execPath(), {
      // -q: on a fresh cache Deno prints its own download lines to stderr.
      args: ["run", "-q", "-A", `tools/bench/${script}.ts`, "--nope"],
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr).trim();
    assert.equal(out.code, 2, `${script}: ${err}`);
    assert.equal(err.split("\n").length, 1, `${script}: ${err}`);
    assert.match(err, /Unknown option '--nope'/, script);
  }
});

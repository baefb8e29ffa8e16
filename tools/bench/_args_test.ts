import assert from "node:assert/strict";
import { flagList } from "./_args.ts";
import { REPO_ROOT } from "../../testing/backend_process.ts";

Deno.test("flagList() names each flag, with VALUE where it takes one", () => {
  assert.equal(
    flagList({ duration: { type: "string" }, write: { type: "boolean" } }),
    "--duration VALUE, --write",
  );
});

Deno.test("a benchmark given an unknown flag prints one usage line and exits 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tools/bench/profile.ts", "--nope"],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 2);
  assert.equal(err.split("\n").length, 1, err);
  assert.match(err, /^bench:profile: Unknown option '--nope' \(flags: --batch VALUE, /);
});

import assert from "node:assert/strict";

const entry = new URL("./backend_entry.ts", import.meta.url).pathname;

async function run(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", entry, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("backend_entry train runs the trainer (the retraining Job's command)", async () => {
  const help = await run(["train", "--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /--register/);
  const bad = await run(["train", "--register", "--alias", "staging"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^train: --alias must be champion or challenger, got "staging"$/m);
});

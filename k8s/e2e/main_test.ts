import assert from "node:assert/strict";
import { parseArgs, releaseLock, SCENARIOS, takeLock } from "./main.ts";

Deno.test("parseArgs() reads --keep and --only, and names what it does not know", () => {
  assert.deepEqual(parseArgs([]), { keep: false, only: null });
  assert.deepEqual(parseArgs(["--keep", "--only", "dev,hpa"]), {
    keep: true,
    only: ["dev", "hpa"],
  });
  assert.deepEqual(parseArgs(["--only=scaled"]).only, ["scaled"]);
  assert.throws(() => parseArgs(["--only", "dev,nope"]), /Unknown scenario "nope"; known: dev,/);
  assert.throws(() => parseArgs(["--only"]), /--only needs a comma-separated list/);
  assert.throws(() => parseArgs(["--fast"]), /Unknown argument "--fast"/);
});

Deno.test("SCENARIOS run dev first, scaled then stream-lag last, each name once", () => {
  const names = SCENARIOS.map((s) => s.name);
  assert.equal(names[0], "dev");
  // stream-lag empties the namespace for its own tier: nothing may come after it.
  assert.deepEqual(names.slice(-2), ["scaled", "stream-lag"]);
  assert.equal(new Set(names).size, names.length);
});

Deno.test("takeLock() refuses a live holder, takes over a stale lock, releaseLock() frees it", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/e2e.lock`;
  try {
    takeLock(path, Deno.pid);
    // Held by this (live) process: another pid is refused.
    assert.throws(() => takeLock(path, 999_999_999), new RegExp(`pid ${Deno.pid}`));
    releaseLock(path, Deno.pid);
    // A lock left by a process that no longer exists is taken over.
    await Deno.writeTextFile(path, "999999999\n");
    takeLock(path, Deno.pid);
    assert.equal((await Deno.readTextFile(path)).trim(), String(Deno.pid));
    releaseLock(path, 12345);
    assert.ok(await Deno.stat(path), "another pid cannot release it");
    releaseLock(path, Deno.pid);
    await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

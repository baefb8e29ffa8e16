import assert from "node:assert/strict";
import { BOOT_MODULE, islandModule } from "./build.ts";
import { islandNames } from "./runtime/islands_dir.ts";

const BUILD = new URL("./build.ts", import.meta.url).pathname;

/** Run `frontend/build.ts --out-dir dir` as `deno task build:ui` does (`Deno.bundle` needs the flag). */
async function build(dir: string): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--unstable-bundle", "-A", BUILD, "--out-dir", dir],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
  assert.ok(out.success, `build failed:\n${text}`);
}

async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("buildIslands() writes the boot script, one module per island and meta.json with sizes", async () => {
  const parent = await Deno.makeTempDir({ prefix: "ui-build-" });
  try {
    const dir = `${parent}/build`;
    await build(dir);
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`));
    const islands = await islandNames(new URL("./islands/", import.meta.url));
    assert.deepEqual(meta.islands, islands);
    assert.match(meta.buildId, /^[0-9a-f]{12}$/);
    const names = meta.files.map((f: { name: string }) => f.name);
    for (const module of [BOOT_MODULE, ...islands.map(islandModule)]) {
      assert.ok(names.includes(module), module);
      assert.ok((await Deno.stat(`${dir}/${module}`)).size > 0, module);
    }
    // Shared code is split out once rather than copied into every island.
    assert.ok(names.some((n: string) => n.startsWith("chunk-")), names.join());
    for (const f of meta.files) assert.ok(f.gzipBytes > 0 && f.gzipBytes < f.bytes, f.name);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("buildIslands() replaces a build in place: same id for the same code, no leftovers, concurrent builds whole", async () => {
  const parent = await Deno.makeTempDir({ prefix: "ui-build-" });
  try {
    const dir = `${parent}/build`;
    await build(dir);
    const first = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`)).buildId;
    await Deno.writeTextFile(`${dir}/stale.js`, "old build");
    await Promise.all([build(dir), build(dir)]);
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`));
    assert.equal(meta.buildId, first, "the build id depends on the code only");
    const files = await entries(dir);
    assert.ok(!files.includes("stale.js"), "the old directory was replaced, not merged");
    assert.deepEqual(await entries(parent), ["build"], "no temporary or old directory is left");
    for (const f of meta.files) await Deno.stat(`${dir}/${f.name}`);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { ISLAND_NAMES } from "./islands_list.ts";
import { ISLANDS } from "./manifest.ts";

Deno.test("the island manifest, the build list and islands/ agree", async () => {
  const files: string[] = [];
  for await (const e of Deno.readDir(new URL("./islands/", import.meta.url))) {
    if (e.isFile && /^[A-Z][A-Za-z0-9]*\.tsx$/.test(e.name)) {
      files.push(e.name.replace(/\.tsx$/, ""));
    }
  }
  assert.deepEqual(files.sort(), [...ISLAND_NAMES].sort());
  assert.deepEqual(Object.keys(ISLANDS).sort(), [...ISLAND_NAMES].sort());
  for (const [name, component] of Object.entries(ISLANDS)) {
    assert.equal(typeof component, "function", name);
  }
});

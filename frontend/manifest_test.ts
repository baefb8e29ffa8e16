import assert from "node:assert/strict";
import { ISLANDS } from "./manifest.ts";
import { islandNames } from "./runtime/islands_dir.ts";

Deno.test("the island manifest lists exactly the islands in islands/, which the build bundles", async () => {
  const files = await islandNames(new URL("./islands/", import.meta.url));
  assert.ok(files.length > 0, "islands/ holds island files");
  assert.deepEqual(Object.keys(ISLANDS).sort(), files);
  for (const [name, component] of Object.entries(ISLANDS)) {
    assert.equal(typeof component, "function", name);
  }
});

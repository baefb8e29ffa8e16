import assert from "node:assert/strict";
import { ISLANDS } from "./manifest.ts";
import { islandNames } from "./runtime/islands_dir.ts";
import { renderManifest } from "./runtime/manifest_gen.ts";

Deno.test("the island manifest is generated from the islands in islands/, which the build bundles", async () => {
  const files = await islandNames(new URL("./islands/", import.meta.url));
  assert.ok(files.length > 0, "islands/ holds island files");
  assert.equal(
    await Deno.readTextFile(new URL("./manifest.ts", import.meta.url)),
    renderManifest(files),
    "frontend/manifest.ts does not match islands/: run `deno task build:ui`",
  );
  assert.deepEqual(Object.keys(ISLANDS).sort(), files);
  for (const [name, component] of Object.entries(ISLANDS)) {
    assert.equal(typeof component, "function", name);
  }
});

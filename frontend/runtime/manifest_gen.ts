/**
 * Writes `frontend/manifest.ts`, the server's list of islands, from the files
 * of `frontend/islands/` (Fresh generates its `fresh.gen.ts` the same way).
 * `deno task build:ui` runs it before bundling, so adding an island is adding
 * its file; `manifest_test.ts` fails on a list that no longer matches.
 */
import { islandNames } from "./islands_dir.ts";

/** The text of `manifest.ts` for the islands `names` (formatted as `deno fmt` leaves it). */
export function renderManifest(names: readonly string[]): string {
  const sorted = [...names].sort();
  return [
    "/**",
    " * The islands of this UI for the server, which needs them imported to",
    " * recognise them while rendering. Generated from the files of `islands/` by",
    " * `runtime/manifest_gen.ts` (`deno task build:ui` runs it): do not edit.",
    " */",
    ...sorted.map((name) => `import ${name} from "./islands/${name}.tsx";`),
    "",
    "/** Island components by name (their file's base name in `islands/`). */",
    "export const ISLANDS = {",
    ...sorted.map((name) => `  ${name},`),
    "} as const;",
    "",
  ].join("\n");
}

/** Rewrite `manifest.ts` in the `frontend` folder if it differs from its islands; true when written. */
export async function syncManifest(frontend: URL): Promise<boolean> {
  const text = renderManifest(await islandNames(new URL("islands/", frontend)));
  const path = new URL("manifest.ts", frontend);
  let current: string | null = null;
  try {
    current = await Deno.readTextFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (current === text) return false;
  await Deno.writeTextFile(path, text);
  return true;
}

/**
 * The islands are the files of `frontend/islands/`: one PascalCase `.tsx`
 * file per island, named after its component (tests there are snake_case).
 * The build bundles what this finds and generates the server's manifest from
 * it (`manifest_gen.ts`), so the list is never written by hand.
 */

/** An island's file name: PascalCase, `.tsx`. */
const ISLAND_FILE = /^([A-Z][A-Za-z0-9]*)\.tsx$/;

/** The island names (file base names) in `dir`, sorted. */
export async function islandNames(dir: URL): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const match = entry.isFile ? ISLAND_FILE.exec(entry.name) : null;
    if (match) names.push(match[1]);
  }
  return names.sort();
}

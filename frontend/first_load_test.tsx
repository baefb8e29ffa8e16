import assert from "node:assert/strict";
import {
  type BuiltFile,
  firstLoadTable,
  MARKERS,
  pageModules,
  PAGES,
  readBuild,
  staticImports,
  withTable,
} from "./first_load.ts";
import { ISLANDS } from "./manifest.ts";
import { islandRegistry, renderPage } from "./runtime/render.ts";
import Index from "./routes/index.tsx";
import SingleMeter from "./routes/meter.tsx";
import type { IndexData } from "./routes/_dashboard.tsx";

const BUILD = new URL("./build.ts", import.meta.url).pathname;

const file = (name: string, gzipBytes: number, text = ""): [string, BuiltFile] => [
  name,
  { name, bytes: gzipBytes * 3, gzipBytes, text },
];

const fake = new Map([
  file("runtime/boot.js", 300),
  file("islands/A.js", 2048, 'import{a}from"../chunk-1.js";import"../chunk-2.js";'),
  file("islands/B.js", 1024, 'import{b}from"../chunk-2.js";'),
  file("chunk-1.js", 10240, 'import{c}from"./chunk-3.js";'),
  file("chunk-2.js", 512),
  file("chunk-3.js", 1024),
  file("chunk-unused.js", 99_999),
]);

Deno.test("staticImports() resolves relative imports against the importing module", () => {
  assert.deepEqual(staticImports('import{a}from"../chunk-1.js";import"./x.js"', "islands/A.js"), [
    "chunk-1.js",
    "islands/x.js",
  ]);
});

Deno.test("pageModules() follows static imports from the boot script and the page's islands", () => {
  assert.deepEqual(pageModules(fake, ["B"]).sort(), [
    "chunk-2.js",
    "islands/B.js",
    "runtime/boot.js",
  ]);
  assert.equal(pageModules(fake, ["A"]).length, 5);
  assert.throws(() => pageModules(fake, ["C"]), /no module "islands\/C.js"/);
});

Deno.test("firstLoadTable() sums gzipped bytes per page, chunks grouped by the islands using them", () => {
  const table = firstLoadTable(fake, [{ path: "/", islands: ["A"] }, {
    path: "/b",
    islands: ["B"],
  }]);
  assert.equal(
    table,
    [
      "| module | `/` gzip KB | `/b` gzip KB |",
      "| --- | ---: | ---: |",
      "| island `A` | 2.0 | — |",
      "| island `B` | — | 1.0 |",
      "| shared by A | 11.0 | — |",
      "| shared by A, B | 0.5 | 0.5 |",
      "| boot script | 0.3 | 0.3 |",
      "| **total** | **13.8** | **1.8** |",
    ].join("\n"),
  );
});

Deno.test("withTable() replaces only what is between the markers", () => {
  const doc = `a\n${MARKERS.start}\nold\n${MARKERS.end}\nb`;
  assert.equal(withTable(doc, "T"), `a\n${MARKERS.start}\n\nT\n\n${MARKERS.end}\nb`);
  assert.throws(() => withTable("no markers", "T"), /lacks the markers/);
});

Deno.test("PAGES lists the islands each page renders", () => {
  const registry = islandRegistry(ISLANDS);
  const data: IndexData = { backendUrl: "http://b", maxBatch: 100, maxBatchNote: "", seed: 1 };
  const rendered = [Index, SingleMeter].map((Page) => {
    const { html } = renderPage(<Page data={data} />, {
      registry,
      buildPrefix: "/static/build/",
      version: "v",
      nonce: "n",
    });
    return [...html.matchAll(/data-island="(\w+)"/g)].map((m) => m[1]);
  });
  assert.deepEqual(rendered, PAGES.map((p) => [...p.islands]));
});

/** Table cells without the alignment `deno fmt` adds. */
function cells(table: string): string[][] {
  return table.trim().split("\n").filter((l) => !/^\|[\s:|-]+\|$/.test(l)).map((l) =>
    l.split("|").slice(1, -1).map((c) => c.trim())
  );
}

Deno.test("docs/FRONTEND.md shows the first-load table of a fresh build", async () => {
  const dir = await Deno.makeTempDir({ prefix: "first-load-" });
  try {
    // As `deno task build:ui` does: `Deno.bundle` needs the flag.
    const built = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--unstable-bundle", "-A", BUILD, "--out-dir", `${dir}/build`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(built.success, new TextDecoder().decode(built.stderr));
    const out = new URL(`file://${dir}/build/`);
    const table = firstLoadTable(await readBuild(out), PAGES);
    const doc = await Deno.readTextFile(new URL("../docs/FRONTEND.md", import.meta.url));
    assert.ok(doc.includes(MARKERS.start) && doc.includes(MARKERS.end), "the table's markers");
    const start = doc.indexOf(MARKERS.start) + MARKERS.start.length;
    const shown = doc.slice(start, doc.indexOf(MARKERS.end));
    assert.deepEqual(
      cells(shown),
      cells(table),
      "regenerate it: deno task build:ui && deno run --allow-read " +
        "--allow-write=docs/FRONTEND.md frontend/first_load.ts",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

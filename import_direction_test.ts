/**
 * The direction of imports between the layers of the tree (docs/TECHNICAL_OVERVIEW.md,
 * "Layout"): shared code in lib/ depends on nothing project-specific, the
 * service never reaches into the tools, the UI only shares lib/ with the
 * backend, and the predict use case knows nothing of HTTP.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";

/** A layer: the folder it covers and the folders it may import from (besides itself). */
interface Layer {
  dir: string;
  mayImport: readonly string[];
  /** Package specifiers (the import map's names, `node:` builtins) it may import. */
  packages: RegExp;
}

const ANY_PACKAGE = /./;

// Most specific folder first: a file belongs to the first layer whose folder holds it.
const LAYERS: readonly Layer[] = [
  { dir: "lib/simulator/", mayImport: ["lib/ranges.ts", "lib/timestamp.ts"], packages: /^$/ },
  { dir: "lib/", mayImport: [], packages: /^$/ },
  {
    dir: "backend/detector/",
    mayImport: ["lib/simulator/", "lib/contract.ts", "lib/ranges.ts"],
    packages: /^$/,
  },
  { dir: "backend/store/", mayImport: ["backend/detector/", "lib/"], packages: /^node:/ },
  {
    dir: "backend/predict/",
    mayImport: ["backend/detector/", "backend/metrics.ts", "backend/metric_series.ts", "lib/"],
    packages: /^$/,
  },
  {
    dir: "backend/lifecycle/",
    mayImport: ["backend/detector/", "backend/predict/", "lib/"],
    packages: /^prom-client$|^node:/,
  },
  {
    dir: "backend/http/",
    mayImport: [
      "backend/detector/",
      "backend/predict/",
      "backend/store/",
      "backend/lifecycle/",
      "backend/config.ts",
      "backend/metrics.ts",
      "backend/metric_series.ts",
      "lib/",
    ],
    packages: /^hono(\/|$)|^node:/,
  },
  // The process layer and the top-level modules wire everything of the service together.
  { dir: "backend/", mayImport: ["lib/"], packages: /^prom-client$|^hono(\/|$)|^node:/ },
  { dir: "frontend/", mayImport: ["lib/"], packages: ANY_PACKAGE },
];

const ROOT = new URL("./", import.meta.url);
const PRODUCT_DIRS = ["lib", "backend", "frontend"];

/** Product modules: tests and test helpers are not part of a layer's contract. */
function productFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(new URL(`${dir}/`, ROOT))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) {
      if (entry.name !== "tests" && entry.name !== "static") out.push(...productFiles(path));
    } else if (/\.tsx?$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/** The import and export specifiers of a module, static and dynamic. */
export function specifiers(source: string): string[] {
  const found = source.matchAll(
    /^\s*(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm,
  );
  return [...found].map((m) => m[1] ?? m[2] ?? m[3]);
}

function layerOf(path: string): Layer | undefined {
  return LAYERS.find((l) => path.startsWith(l.dir));
}

/** Every import that breaks the rules above, as `file: specifier (why)`. */
export function violations(path: string, source: string): string[] {
  const layer = layerOf(path);
  if (!layer) return [];
  const out: string[] = [];
  for (const spec of specifiers(source)) {
    if (!spec.startsWith(".")) {
      if (!layer.packages.test(spec)) out.push(`${path}: ${spec} (no packages here)`);
      continue;
    }
    const target = normalize(join(dirname(path), spec));
    if (target.startsWith(layer.dir)) continue;
    // The service layers below backend/ may also use the layers the rules name;
    // "backend/" itself is the wiring layer and may use anything in backend/.
    if (layer.dir === "backend/" && target.startsWith("backend/")) continue;
    if (!layer.mayImport.some((allowed) => target.startsWith(allowed))) {
      out.push(`${path}: ${spec} (${layer.dir} may import only ${layer.mayImport.join(", ")})`);
    }
  }
  return out;
}

Deno.test("violations() names an import against the direction of the layers", () => {
  assert.deepEqual(violations("lib/logger.ts", 'import { x } from "../backend/config.ts";'), [
    "lib/logger.ts: ../backend/config.ts (lib/ may import only )",
  ]);
  assert.equal(violations("lib/problem.ts", 'import { Hono } from "hono";').length, 1);
  assert.equal(
    violations("backend/predict/score.ts", 'import { app } from "../http/app.ts";').length,
    1,
  );
  assert.equal(
    violations("backend/main.ts", 'const m = await import("../tools/cli/train.ts");').length,
    1,
  );
  assert.equal(
    violations("frontend/lib/api.ts", 'export type { Reading } from "../../backend/x.ts";').length,
    1,
  );
  assert.deepEqual(
    violations("backend/http/app.ts", 'import { score } from "../predict/score.ts";'),
    [],
  );
});

Deno.test("product modules import only along the direction of the layers", () => {
  const files = PRODUCT_DIRS.flatMap(productFiles);
  // Non-vacuous: every layer holds modules.
  for (const layer of LAYERS) {
    assert.ok(files.some((f) => layerOf(f) === layer), `no module in ${layer.dir}`);
  }
  const found = files.flatMap((f) => violations(f, Deno.readTextFileSync(new URL(f, ROOT))));
  assert.deepEqual(found, []);
});

/**
 * The direction of imports between the rooms of the tree (docs/TECHNICAL_OVERVIEW.md,
 * "Layout"): shared code in lib/ depends on nothing project-specific, the
 * service never reaches into the tools, the UI only shares lib/ with the
 * backend, the predict use case knows nothing of HTTP, and no two rooms import
 * each other, directly or around a loop. Every top-level folder with
 * TypeScript is covered: a new folder or a new top-level module fails here
 * until it says what it may import.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";

/** A layer: the folder or file it covers and what it may import besides itself. */
interface Layer {
  dir: string;
  mayImport: readonly string[];
  /** Package specifiers (the import map's names, `node:` builtins) it may import. */
  packages: RegExp;
}

const ANY_PACKAGE = /./;
const NO_PACKAGE = /^$/;

// Most specific first: a file belongs to the first layer whose folder (or file) holds it.
// A catch-all folder layer (`backend/`, `frontend/`, `tools/`) allows nothing, so a new
// module directly in it must be listed with what it imports.
const LAYERS: readonly Layer[] = [
  { dir: "lib/simulator/", mayImport: ["lib/ranges.ts", "lib/timestamp.ts"], packages: NO_PACKAGE },
  { dir: "lib/", mayImport: ["lib/simulator/"], packages: NO_PACKAGE },

  // The service, bottom up.
  {
    dir: "backend/detector/",
    mayImport: ["lib/simulator/", "lib/contract.ts", "lib/ranges.ts", "lib/timestamp.ts"],
    packages: NO_PACKAGE,
  },
  { dir: "backend/metrics/", mayImport: [], packages: /^prom-client$|^node:/ },
  { dir: "backend/store/", mayImport: ["backend/detector/", "lib/"], packages: /^node:/ },
  {
    dir: "backend/predict/",
    mayImport: ["backend/detector/", "backend/metrics/", "lib/"],
    packages: NO_PACKAGE,
  },
  {
    dir: "backend/mlops/",
    mayImport: ["backend/detector/", "backend/predict/", "backend/metrics/", "lib/"],
    packages: /^node:/,
  },
  { dir: "backend/config.ts", mayImport: ["backend/detector/", "lib/"], packages: NO_PACKAGE },
  {
    dir: "backend/http/",
    mayImport: [
      "backend/detector/",
      "backend/predict/",
      "backend/store/",
      "backend/mlops/",
      "backend/metrics/",
      "backend/config.ts",
      "lib/",
    ],
    packages: /^hono(\/|$)|^node:/,
  },
  // The process layer wires the rooms above into a server of one or more workers.
  {
    dir: "backend/process/",
    mayImport: [
      "backend/config.ts",
      "backend/detector/",
      "backend/http/",
      "backend/metrics/",
      "backend/mlops/",
      "backend/predict/",
      "backend/store/",
      "lib/",
    ],
    packages: /^node:/,
  },
  // The stream scorer: the detector, the predict use case's validation, the process layer's
  // model loader (the same model and registry as a replica) and its Kafka client; no HTTP.
  {
    dir: "backend/stream/",
    mayImport: [
      "backend/detector/",
      "backend/predict/",
      "backend/process/model_codec.ts",
      "backend/config.ts",
      "lib/",
    ],
    packages: /^prom-client$|^@platformatic\/kafka$|^node:/,
  },
  {
    dir: "backend/main.ts",
    mayImport: ["backend/config.ts", "backend/process/", "lib/"],
    packages: NO_PACKAGE,
  },
  { dir: "backend/", mayImport: [], packages: NO_PACKAGE },

  // The UI: lib below components below islands, islands below the routes and the server.
  { dir: "frontend/lib/", mayImport: ["lib/"], packages: /^chart\.js$/ },
  {
    dir: "frontend/components/",
    mayImport: ["frontend/lib/", "lib/"],
    packages: /^preact(\/|$)/,
  },
  {
    dir: "frontend/islands/",
    mayImport: ["frontend/components/", "frontend/lib/", "lib/"],
    packages: /^preact(\/|$)|^chart\.js$/,
  },
  {
    dir: "frontend/runtime/",
    mayImport: ["lib/"],
    // A template literal in the boot code looks like an import to the scanner.
    packages: /^preact(\/|$)|^preact-render-to-string$|^\$\{/,
  },
  { dir: "frontend/manifest.ts", mayImport: ["frontend/islands/"], packages: NO_PACKAGE },
  {
    dir: "frontend/routes/",
    mayImport: [
      "frontend/islands/",
      "frontend/components/",
      "frontend/lib/",
      "frontend/runtime/",
      "frontend/state.ts",
      "frontend/bursts.ts",
      "frontend/problem.ts",
      "frontend/read_body.ts",
      "lib/",
    ],
    packages: /^preact(\/|$)|^hono(\/|$)/,
  },
  // The UI server's own modules (app, proxy, bursts, shutdown...) import one another.
  {
    dir: "frontend/",
    mayImport: [
      "frontend/routes/",
      "frontend/runtime/",
      "frontend/manifest.ts",
      "frontend/lib/",
      "lib/",
    ],
    packages: ANY_PACKAGE,
  },

  // Around the service: tools, load generators, test helpers, manifests' e2e, images.
  {
    dir: "tools/cli/",
    // backend/mlops/: `deno task drift` runs the service's drift tests and report on a file.
    mayImport: [
      "backend/config.ts",
      "backend/detector/",
      "backend/mlops/",
      "backend/store/",
      "lib/",
    ],
    packages: ANY_PACKAGE,
  },
  {
    dir: "tools/bench/",
    mayImport: [
      "backend/config.ts",
      "backend/detector/",
      "backend/http/",
      "backend/metrics/",
      "backend/mlops/",
      "backend/predict/",
      "backend/store/",
      "loadtest/",
      "testing/",
      "lib/",
    ],
    packages: ANY_PACKAGE,
  },
  {
    dir: "tools/variants/",
    mayImport: [
      "backend/config.ts",
      "backend/detector/",
      "backend/http/",
      "backend/metrics/",
      "backend/predict/",
      "backend/process/",
      "lib/",
    ],
    packages: ANY_PACKAGE,
  },
  // The broker, publisher and checks of the streaming path.
  {
    dir: "tools/kafka/",
    mayImport: ["backend/stream/", "lib/"],
    packages: ANY_PACKAGE,
  },
  { dir: "tools/", mayImport: [], packages: NO_PACKAGE },
  // k6 scripts run in k6, not Deno: only k6's modules and pure shared code.
  {
    dir: "loadtest/k6/",
    mayImport: ["loadtest/payload.ts", "lib/ranges.ts", "lib/simulator/", "lib/contract.ts"],
    packages: /^k6(\/|$)/,
  },
  {
    dir: "loadtest/",
    // `deno task load --kafka` hands over to the streaming path's load run (its flags, and the
    // run itself loaded only then).
    mayImport: [
      "testing/raw_http_server.ts",
      "tools/kafka/stream_load.ts",
      "tools/kafka/stream_load_args.ts",
      "lib/",
    ],
    packages: /^k6(\/|$)|^hdr-histogram-js$|^node:/,
  },
  {
    dir: "testing/",
    mayImport: ["backend/config.ts", "backend/tests/", "lib/"],
    packages: /^node:/,
  },
  { dir: "k8s/e2e/", mayImport: ["k8s/tests/", "lib/"], packages: ANY_PACKAGE },
  { dir: "observability/", mayImport: ["lib/"], packages: /^yaml$/ },
  {
    dir: "containers/",
    mayImport: [
      "backend/main.ts",
      "backend/stream/main.ts",
      "frontend/main.ts",
      "tools/cli/",
      "lib/",
    ],
    packages: /^node:/,
  },
  { dir: "dev.ts", mayImport: ["lib/"], packages: /^node:/ },
];

/** Layers that only catch a new module nobody listed yet. */
const CATCH_ALLS = ["backend/", "tools/"];

/** Top-level folders that hold only tests and their helpers, so no layer. */
const TEST_ONLY_DIRS = ["docs", "k8s/tests", "containers/tests"];

/** Folders whose public face (`mod.ts`) is all that code outside them may import. */
const FACES = ["backend/detector/", "backend/store/registry/"];

const ROOT = new URL("./", import.meta.url);
const SKIPPED = new Set(["node_modules", "static", ".artifacts", ".tmp", ".git"]);

/** Every TypeScript module of the tree, tests included, as a path from the root. */
function allFiles(dir = ""): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(new URL(dir || "./", ROOT))) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) {
      if (!SKIPPED.has(entry.name) && !entry.name.startsWith(".")) {
        out.push(...allFiles(`${path}/`));
      }
    } else if (/\.tsx?$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/** Tests and test helpers are not part of a layer's contract. */
function isTest(path: string): boolean {
  return /_test\.tsx?$/.test(path) || /(^|\/)tests\//.test(path);
}

/** The import and export specifiers of a module, static and dynamic. */
export function specifiers(source: string): string[] {
  const found = source.matchAll(
    /^\s*(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm,
  );
  return [...found].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** The relative imports of `path`, as paths from the root. */
function targets(path: string, source: string): string[] {
  return specifiers(source).filter((s) => s.startsWith(".")).map((s) =>
    normalize(join(dirname(path), s))
  );
}

function layerOf(path: string): Layer | undefined {
  return LAYERS.find((l) => l.dir.endsWith("/") ? path.startsWith(l.dir) : path === l.dir);
}

/** Every import that breaks the layers above, as `file: specifier (why)`. */
export function violations(path: string, source: string): string[] {
  const layer = layerOf(path);
  if (!layer) return [`${path}: in no layer`];
  const out: string[] = [];
  for (const spec of specifiers(source)) {
    if (!spec.startsWith(".")) {
      if (!layer.packages.test(spec)) out.push(`${path}: ${spec} (no such package here)`);
      continue;
    }
    const target = normalize(join(dirname(path), spec));
    if (layerOf(target) === layer) continue;
    if (!layer.mayImport.some((allowed) => target.startsWith(allowed))) {
      out.push(`${path}: ${spec} (${layer.dir} may import only ${layer.mayImport.join(", ")})`);
    }
  }
  return out;
}

/** Imports of a face's private modules from outside its folder, tests included. */
export function faceViolations(path: string, source: string): string[] {
  const out: string[] = [];
  for (const target of targets(path, source)) {
    const face = FACES.find((f) => target.startsWith(f) && !path.startsWith(f));
    if (face && target !== `${face}mod.ts`) out.push(`${path}: ${target} (import ${face}mod.ts)`);
  }
  return out;
}

/** The room of a path: its folder below the top level, or the file directly in a top-level folder (or the root). */
export function roomOf(path: string): string {
  const parts = path.split("/");
  return parts.length <= 2 ? path : `${parts[0]}/${parts[1]}/`;
}

/** Each import cycle between rooms in `edges` (room → rooms it imports), as a closed path. */
export function roomCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (room: string): void => {
    const at = onPath.indexOf(room);
    if (at >= 0) {
      cycles.push([...onPath.slice(at), room]);
      return;
    }
    if (done.has(room)) return;
    onPath.push(room);
    for (const next of [...(edges.get(room) ?? [])].sort()) visit(next);
    onPath.pop();
    done.add(room);
  };
  for (const room of [...edges.keys()].sort()) visit(room);
  return cycles;
}

/** The rooms each room's product modules import. */
function roomEdges(files: readonly string[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of files.filter((f) => !isTest(f))) {
    const from = roomOf(file);
    for (const target of targets(file, Deno.readTextFileSync(new URL(file, ROOT)))) {
      const to = roomOf(target);
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return edges;
}

Deno.test("violations() names an import against the direction of the layers", () => {
  assert.deepEqual(violations("lib/logger.ts", 'import { x } from "../backend/config.ts";'), [
    "lib/logger.ts: ../backend/config.ts (lib/ may import only lib/simulator/)",
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
  // The old cycle's first step and the UI's old upward imports.
  assert.equal(
    violations("backend/metrics/metrics.ts", 'import { x } from "../mlops/shadow.ts";').length,
    1,
  );
  assert.equal(
    violations("frontend/lib/live_stream.ts", 'import type { R } from "../components/A.tsx";')
      .length,
    1,
  );
  assert.equal(
    violations("frontend/lib/burst_form.ts", 'import type { B } from "../bursts.ts";').length,
    1,
  );
  // No licence for "anything in backend/": a new top-level module must be listed.
  assert.deepEqual(violations("backend/new.ts", 'import { x } from "./http/app.ts";'), [
    "backend/new.ts: ./http/app.ts (backend/ may import only )",
  ]);
  assert.deepEqual(violations("newdir/x.ts", ""), ["newdir/x.ts: in no layer"]);
  assert.deepEqual(
    violations("backend/http/app.ts", 'import { score } from "../predict/score.ts";'),
    [],
  );
});

Deno.test("faceViolations() names an import of a private module behind a face", () => {
  assert.deepEqual(
    faceViolations(
      "tools/cli/train.ts",
      'import { Model } from "../../backend/detector/model.ts";',
    ),
    ["tools/cli/train.ts: backend/detector/model.ts (import backend/detector/mod.ts)"],
  );
  assert.deepEqual(
    faceViolations("tools/cli/train.ts", 'import { Model } from "../../backend/detector/mod.ts";'),
    [],
  );
  assert.deepEqual(
    faceViolations("backend/detector/model.ts", 'import { x } from "./reasons.ts";'),
    [],
  );
});

Deno.test("roomCycles() finds the old predict → metrics → lifecycle → predict loop", () => {
  const edges = new Map([
    ["backend/predict/", new Set(["backend/metrics.ts", "backend/detector/"])],
    ["backend/metrics.ts", new Set(["backend/lifecycle/", "backend/process/"])],
    ["backend/lifecycle/", new Set(["backend/predict/"])],
    ["backend/detector/", new Set(["lib/ranges.ts"])],
  ]);
  assert.deepEqual(roomCycles(edges), [[
    "backend/lifecycle/",
    "backend/predict/",
    "backend/metrics.ts",
    "backend/lifecycle/",
  ]]);
  edges.get("backend/metrics.ts")!.delete("backend/lifecycle/");
  assert.deepEqual(roomCycles(edges), []);
  assert.equal(roomOf("backend/metrics.ts"), "backend/metrics.ts");
  assert.equal(roomOf("backend/store/registry/registry.ts"), "backend/store/");
  assert.equal(roomOf("dev.ts"), "dev.ts");
});

Deno.test("every top-level folder with TypeScript is covered by a layer or holds only tests", () => {
  const files = allFiles();
  const uncovered = files.filter((f) => !isTest(f) && !layerOf(f));
  assert.deepEqual(uncovered, []);
  for (const dir of TEST_ONLY_DIRS) {
    const inDir = files.filter((f) => f.startsWith(`${dir}/`));
    assert.ok(inDir.length > 0, `no module in ${dir}/`);
    assert.deepEqual(inDir.filter((f) => !isTest(f)), [], `${dir}/ holds only tests`);
  }
  // Non-vacuous: every layer but the catch-alls holds modules.
  for (const layer of LAYERS.filter((l) => !CATCH_ALLS.includes(l.dir))) {
    assert.ok(files.some((f) => !isTest(f) && layerOf(f) === layer), `no module in ${layer.dir}`);
  }
});

Deno.test("product modules import only along the direction of the layers", () => {
  const files = allFiles().filter((f) => !isTest(f));
  const found = files.flatMap((f) => violations(f, Deno.readTextFileSync(new URL(f, ROOT))));
  assert.deepEqual(found, []);
});

Deno.test("code outside the detector and the registry imports only their faces", () => {
  const found = allFiles().flatMap((f) =>
    faceViolations(f, Deno.readTextFileSync(new URL(f, ROOT)))
  );
  assert.deepEqual(found, []);
});

Deno.test("no import cycle between rooms", () => {
  assert.deepEqual(roomCycles(roomEdges(allFiles())), []);
});

Deno.test("the rooms below HTTP throw domain errors, never an HttpError (mapped once at the edge)", () => {
  const below = ["backend/detector/", "backend/store/", "backend/predict/", "backend/mlops/"];
  const found = allFiles().filter((f) =>
    !isTest(f) && below.some((d) => f.startsWith(d)) &&
    /\bHttpError\b/.test(Deno.readTextFileSync(new URL(f, ROOT)))
  );
  assert.deepEqual(found, []);
});

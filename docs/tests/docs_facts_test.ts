/**
 * The facts the docs state, derived from the code, so a doc cannot drift from
 * what the code does. Each test below is one fact; "the docs" are
 * `README.md` and every `docs/*.md`.
 *
 * 1. Task names: every `deno task NAME` the docs mention is a task in deno.json.
 * 2. Islands: a number of islands in the docs is the number of island files in
 *    `frontend/islands/` or the number each page renders (derived from the
 *    routes' imports), and the generated first-load table lists every island.
 * 3. E2e scenarios: a number of scenarios in the docs is `SCENARIOS.length` of
 *    `k8s/e2e/main.ts`, and docs/KUBERNETES.md's table lists them in order.
 * 4. Overlay values: the `scaled` and `dev` CPU requests, the HPA target and
 *    the scaled HPA bounds quoted in docs/KUBERNETES.md and the guide are the
 *    ones in `k8s/` (parsed from the YAML).
 * 5. Measured figures: docs/PERFORMANCE.md states req/s, µs, ms, MiB, × or %
 *    figures only inside generated sections (outside them only as targets).
 * 6. Who loads the champion: the module that chooses the champion
 *    (`chooseChampion`) is the one the docs name for it; no doc pairs the
 *    champion with another store module.
 * 7. k6's `BASE_URL` default in the docs is the one in `loadtest/k6/options.ts`.
 * 8. Paths: every repository path the docs name exists (the simulator is in
 *    `lib/simulator/`, not the backend).
 * 9. Type names: no two exported types of the UI (`frontend/`) share a name.
 * 10. The README's API table lists exactly the routes the app registers.
 * 11. The README's configuration table: one line per variable, every variable
 *     `backend/config.ts` reads, each default equal to the code's.
 * 12. The guide does not call the Kubernetes steps uncaptured: `deno task
 *     k8s:e2e` runs them, and the guide says so.
 * 13. Cited Markdown files exist: no file of the repository cites a `.md`
 *     file the repository does not have.
 * 14. No absolute path of a build machine in tracked files.
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { DEFAULTS } from "../../backend/config.ts";
import { MODEL_SETTINGS } from "../../backend/detector/mod.ts";
import { routeTable } from "../../backend/http/route_table.ts";
import { testApp } from "../../backend/tests/_app.ts";
import { SCENARIOS } from "../../k8s/e2e/main.ts";
import {
  countsIn,
  docsText,
  exportedTypeNames,
  markdownTable,
  measuredFigures,
  outsideGenerated,
  repoPathsIn,
} from "./_docs_facts.ts";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, ROOT));
const DOCS = docsText(ROOT);

/** Files tracked by git, as paths from the root. */
function trackedFiles(): string[] {
  const out = new Deno.Command("git", { args: ["ls-files"], cwd: ROOT, stdout: "piped" })
    .outputSync();
  return new TextDecoder().decode(out.stdout).split("\n").filter((f) => f !== "");
}

function exists(path: string): boolean {
  try {
    Deno.statSync(new URL(path, ROOT));
    return true;
  } catch {
    return false;
  }
}

Deno.test("every `deno task NAME` in the docs is a task in deno.json", () => {
  const tasks = new Set(Object.keys(JSON.parse(read("deno.json")).tasks));
  const unknown: string[] = [];
  for (const [doc, text] of DOCS) {
    for (const m of text.matchAll(/deno task ([a-z0-9][\w:-]*)/g)) {
      if (!tasks.has(m[1])) unknown.push(`${doc}: deno task ${m[1]}`);
    }
  }
  assert.ok(DOCS.size > 5, "no docs read");
  assert.deepEqual(unknown, []);
});

Deno.test("the docs count the islands of frontend/islands/ and the islands each page renders", () => {
  const islands = [...Deno.readDirSync(new URL("frontend/islands/", ROOT))]
    .map((e) => e.name).filter((n) => /^[A-Z]\w*\.tsx$/.test(n)).map((n) => n.slice(0, -4))
    .sort();
  const importsOf = (route: string) =>
    [...read(`frontend/routes/${route}`).matchAll(/from "\.\.\/islands\/(\w+)\.tsx"/g)].map((m) =>
      m[1]
    );
  const shared = importsOf("_dashboard.tsx");
  const perPage = ["index.tsx", "meter.tsx"].map((r) => shared.length + importsOf(r).length);
  assert.equal(new Set(perPage).size, 1, `pages render different counts: ${perPage}`);
  const allowed = new Set([islands.length, perPage[0]]);
  const wrong: string[] = [];
  for (const [doc, text] of DOCS) {
    for (const n of countsIn(text, "islands")) {
      if (!allowed.has(n)) wrong.push(`${doc}: ${n} islands`);
    }
  }
  assert.deepEqual(wrong, [], `${islands.length} island files, ${perPage[0]} per page`);
  const frontend = DOCS.get("docs/FRONTEND.md")!;
  const table = /<!-- first-load:start[\s\S]*?<!-- first-load:end -->/.exec(frontend)?.[0] ?? "";
  const listed = [...table.matchAll(/island `(\w+)`/g)].map((m) => m[1]).sort();
  assert.deepEqual(listed, islands, "the first-load table lists every island");
  for (const island of islands) {
    assert.match(frontend, new RegExp(`\\| \`${island}\` +\\|`), `${island} in the islands table`);
  }
});

Deno.test("the docs count the e2e scenarios of k8s/e2e/main.ts and list them in order", () => {
  const wrong: string[] = [];
  for (const [doc, text] of DOCS) {
    for (const n of countsIn(text, "scenarios")) {
      if (n !== SCENARIOS.length) wrong.push(`${doc}: ${n} scenarios`);
    }
  }
  assert.deepEqual(wrong, [], `k8s/e2e/main.ts runs ${SCENARIOS.length} scenarios`);
  const rows = markdownTable(DOCS.get("docs/KUBERNETES.md")!, "scenario")
    .map((r) => r[0].replaceAll("`", ""));
  assert.deepEqual(rows, SCENARIOS.map((s) => s.name));
});

/** What an overlay sets for the backend: CPU request and limit, HPA target and bounds (JSON patches over the base). */
function tier(overlay: string): { cpu: string; limit: string; target: number; bounds: number[] } {
  const base = parseYaml(read("k8s/base/backend-hpa.yaml"));
  const out = {
    cpu: "",
    limit: "",
    target: base.spec.metrics[0].resource.target.averageUtilization as number,
    bounds: [base.spec.minReplicas, base.spec.maxReplicas] as number[],
  };
  const kustomization = parseYaml(read(`k8s/overlays/${overlay}/kustomization.yaml`));
  for (const p of kustomization.patches ?? []) {
    if (p.target?.name !== "anomaly-backend") continue;
    for (const op of parseYaml(p.patch) as { path: string; value: unknown }[]) {
      if (op.path.endsWith("/resources")) {
        const value = op.value as { requests: { cpu: string }; limits: { cpu: string } };
        out.cpu = value.requests.cpu;
        out.limit = String(value.limits.cpu);
      } else if (op.path.endsWith("/averageUtilization")) out.target = op.value as number;
      else if (op.path === "/spec/minReplicas") out.bounds[0] = op.value as number;
      else if (op.path === "/spec/maxReplicas") out.bounds[1] = op.value as number;
    }
  }
  assert.ok(out.cpu, `k8s/overlays/${overlay} patches the backend's resources`);
  return out;
}

Deno.test("docs/KUBERNETES.md and the guide quote the overlays' CPU requests, targets and bounds", () => {
  const dev = tier("dev");
  const scaled = tier("scaled");
  const k8s = DOCS.get("docs/KUBERNETES.md")!;
  const guide = DOCS.get("docs/WORKSHOP_GUIDE.md")!;
  const tiers = new Map(markdownTable(k8s, "").map((r) => [r[0], r]));
  assert.deepEqual(tiers.get("backend CPU request / limit")?.slice(2), [
    `${dev.cpu} / ${dev.limit}`,
    `${scaled.cpu} / ${scaled.limit}`,
  ]);
  assert.deepEqual(tiers.get("HPA min-max")?.slice(2), [
    `**${dev.bounds[0]}**-${dev.bounds[1]}`,
    `${scaled.bounds[0]}-${scaled.bounds[1]}`,
  ]);
  const sizing = [...k8s.matchAll(/(Dev|Scaled): (\d+) % × (\w+)/g)];
  assert.equal(sizing.length, 2, "the sizing section gives both tiers' arithmetic");
  for (const [text, name, target, cpu] of sizing) {
    const t = name === "Dev" ? dev : scaled;
    assert.deepEqual([Number(target), cpu], [t.target, t.cpu], text);
  }
  assert.equal(/3 × (\w+) \+/.exec(k8s)?.[1], scaled.cpu, "the scaled sizing arithmetic");
  assert.match(guide, new RegExp(`request still ${scaled.cpu}`), "exercise 2 names the request");
  assert.match(guide, new RegExp(`\\(${dev.cpu} on\\s+dev\\)`), "step 5 names dev's request");
  assert.match(guide, new RegExp(`against ${dev.target} %`), "step 5 names the target");
});

Deno.test("docs/PERFORMANCE.md states measured figures only inside generated sections", () => {
  const text = outsideGenerated(DOCS.get("docs/PERFORMANCE.md")!);
  assert.deepEqual(measuredFigures(text), []);
});

Deno.test("the docs name the module that loads the champion", () => {
  const loaders = trackedFiles().filter((f) =>
    f.startsWith("backend/") && f.endsWith(".ts") && !f.endsWith("_test.ts") &&
    /\bchooseChampion\(/.test(read(f)) && !f.startsWith("backend/store/registry/")
  );
  assert.deepEqual(loaders, ["backend/process/model_codec.ts"]);
  const loader = loaders[0].slice("backend/".length);
  const wrong: string[] = [];
  let named = false;
  for (const [doc, text] of DOCS) {
    for (const line of text.split("\n")) {
      if (!/champion/i.test(line)) continue;
      if (line.includes(loader) && /load/i.test(line)) named = true;
      const other = /`(?:backend\/)?(store\/[\w/]+\.ts)`[^.]{0,80}?\bload[^.]{0,40}champion/i.exec(
        line,
      );
      if (other) wrong.push(`${doc}: ${other[1]} does not load the champion`);
    }
  }
  assert.ok(named, `no doc says ${loader} loads the champion`);
  assert.deepEqual(wrong, []);
});

Deno.test("the docs give k6's BASE_URL default as loadtest/k6/options.ts has it", () => {
  const code = /__ENV\.BASE_URL \|\| "([^"]+)"/.exec(read("loadtest/k6/options.ts"))?.[1];
  assert.ok(code, "options.ts has a BASE_URL default");
  let quoted = 0;
  for (const [doc, text] of DOCS) {
    for (const m of text.matchAll(/`BASE_URL` \(default `([^`]+)`\)/g)) {
      quoted++;
      assert.equal(m[1], code, doc);
    }
  }
  assert.ok(quoted > 0, "no doc states the default");
});

Deno.test("every repository path the docs name exists", () => {
  const missing: string[] = [];
  for (const [doc, text] of DOCS) {
    for (const path of repoPathsIn(text)) if (!exists(path)) missing.push(`${doc}: ${path}`);
    if (/backend's own simulator|backend\/simulator/.test(text)) {
      missing.push(`${doc}: the simulator lives in lib/simulator/`);
    }
  }
  assert.deepEqual(missing, []);
});

Deno.test("no two exported types of frontend/ share a name", () => {
  const seen = new Map<string, string>();
  const twice: string[] = [];
  for (const file of trackedFiles().filter((f) => /^frontend\/.*\.tsx?$/.test(f))) {
    if (!exists(file)) continue;
    for (const name of exportedTypeNames(read(file))) {
      const first = seen.get(name);
      if (first) twice.push(`${name}: ${first} and ${file}`);
      else seen.set(name, file);
    }
  }
  assert.ok(seen.size > 20, "no exported types found");
  assert.deepEqual(twice, []);
});

Deno.test("the README's API table lists exactly the routes the app registers", async () => {
  const { app, labels } = testApp();
  try {
    const served = Object.entries(routeTable(app.routes)).flatMap(([path, methods]) =>
      methods.filter((m) => m !== "HEAD").map((m) => `${m} ${path}`)
    ).sort();
    const listed = markdownTable(DOCS.get("README.md")!, "method and path")
      .flatMap((r) => [...r[0].matchAll(/`([A-Z]+ \/[^`]*)`/g)].map((m) => m[1].split("?")[0]))
      .sort();
    assert.deepEqual(listed, served);
  } finally {
    await labels.close();
  }
});

Deno.test("the README's configuration table has one line per variable with the code's defaults", () => {
  const source = read("backend/config.ts");
  const variables = new Set<string>([
    ...Object.keys(DEFAULTS),
    ...MODEL_SETTINGS.map((s) => s.env),
    ...[...source.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]),
  ]);
  const rows = markdownTable(DOCS.get("README.md")!, "variable");
  const documented = new Map<string, string>();
  for (const row of rows) {
    const names = [...row[0].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]);
    assert.equal(names.length, 1, `one variable per line: ${row[0]}`);
    documented.set(names[0], row[1].replaceAll("`", ""));
  }
  assert.deepEqual([...variables].filter((v) => !documented.has(v)), [], "undocumented variables");
  const expected: Record<string, string> = {};
  for (const [name, value] of Object.entries(DEFAULTS)) {
    expected[name] = typeof value === "boolean" ? (value ? "1" : "0") : String(value);
  }
  for (const s of MODEL_SETTINGS) expected[s.env] = String(s.default);
  const wrong = Object.entries(expected).filter(([name, value]) => documented.get(name) !== value)
    .map(([name, value]) => `${name}: README ${documented.get(name)}, code ${value}`);
  assert.deepEqual(wrong, []);
});

Deno.test("the guide says its Kubernetes commands are run by deno task k8s:e2e, not uncaptured", () => {
  const guide = DOCS.get("docs/WORKSHOP_GUIDE.md")!;
  assert.doesNotMatch(guide, /not captured|described, not|not what we saw/i);
  assert.match(guide.slice(0, guide.indexOf("## Learning objectives")), /deno task k8s:e2e/);
});

Deno.test("every Markdown file the repository cites exists in it", () => {
  const files = trackedFiles();
  const names = new Set(files.filter((f) => f.endsWith(".md")).map((f) => f.split("/").pop()!));
  const missing: string[] = [];
  for (const file of files) {
    if (!/\.(ts|tsx|md|yaml|yml|sh)$/.test(file) || file === "deno.lock" || !exists(file)) continue;
    for (const m of read(file).matchAll(/\b([A-Z][A-Z_]*\.md)\b/g)) {
      if (!names.has(m[1])) missing.push(`${file}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

Deno.test("no tracked file names an absolute path of a build machine", () => {
  // Built from parts, so this file does not name them itself.
  const machine = new RegExp(`(^|[\\s"'\`(=])/(${["work", "home/agent", "root"].join("|")})/`, "m");
  const found: string[] = [];
  for (const file of trackedFiles()) {
    if (file === "deno.lock" || !exists(file) || /\.(png|svg|jpg)$/.test(file)) continue;
    const hit = machine.exec(read(file));
    if (hit) found.push(`${file}: ${hit[0].trim()}`);
  }
  assert.deepEqual(found, []);
});

import assert from "node:assert/strict";
import {
  countsIn,
  exportedTypeNames,
  markdownTable,
  measuredFigures,
  outsideGenerated,
  repoPathsIn,
} from "./_docs_facts.ts";

Deno.test("countsIn() reads numbers in words and digits before a noun", () => {
  assert.deepEqual(countsIn("Four islands; the 9 scenarios, six islands", "islands"), [4, 6]);
  assert.deepEqual(countsIn("the 9 scenarios and eight scenarios", "scenarios"), [9, 8]);
  assert.deepEqual(countsIn("the islands", "islands"), []);
});

Deno.test("markdownTable() finds a table by its first header cell and keeps backticked pipes", () => {
  const text = "x\n\n| a | b |\n| - | - |\n| `x | y` | 2 |\n| 3 | 4 |\n\nafter\n| a | c |\n";
  assert.deepEqual(markdownTable(text, "a"), [["`x | y`", "2"], ["3", "4"]]);
  assert.deepEqual(markdownTable(text, "z"), []);
});

Deno.test("outsideGenerated() drops start/end and begin/end sections", () => {
  const text = "a <!-- x:start (gen) -->b<!-- x:end --> c <!-- y:begin -->d<!-- y:end --> e";
  assert.equal(outsideGenerated(text), "a  c  e");
});

Deno.test("measuredFigures() finds measurements and lets targets pass", () => {
  assert.deepEqual(
    measuredFigures("2,266 req/s median; 2.51 µs; WORKERS=2 1.94–1.99× met; 90.7 MiB after load"),
    ["2,266 req/s", "2.51 µs", "1.94–1.99×", "90.7 MiB"],
  );
  assert.deepEqual(measuredFigures("at most 3 µs per reading; at least 0.25; ≥ 9 requests/s"), []);
});

Deno.test("repoPathsIn() takes backticked repository paths and skips patterns", () => {
  assert.deepEqual(
    repoPathsIn("`backend/http/app.ts`, `lib/simulator/`, `k8s/overlays/$OVERLAY`, `x/y.ts`"),
    ["backend/http/app.ts", "lib/simulator/"],
  );
});

Deno.test("exportedTypeNames() lists declared exports only", () => {
  const source =
    "export interface A {}\nexport type B = 1;\nexport type { C };\nexport class D {}\n";
  assert.deepEqual(exportedTypeNames(source), ["A", "B", "D"]);
});

import assert from "node:assert/strict";
import {
  profileComparison,
  profileTable,
  shortLocation,
  topSelfTime,
  type V8CpuProfile,
} from "./profile_report.ts";

const ROOT = "/repo/";

function frame(functionName: string, url = "", lineNumber = 0) {
  return { functionName, url, lineNumber };
}

Deno.test("topSelfTime() ranks functions by their samples, idle left out of the total", () => {
  const profile: V8CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)") },
      { id: 2, callFrame: frame("(idle)") },
      { id: 3, callFrame: frame("score", "file:///repo/backend/detector/forest.ts", 9) },
      {
        id: 4,
        callFrame: frame("json", "file:///cache/npm/registry.npmjs.org/hono/4.1.0/dist/c.js"),
      },
      // The same function reached by a second path: one row.
      { id: 5, callFrame: frame("score", "file:///repo/backend/detector/forest.ts", 9) },
    ],
    samples: [2, 2, 2, 2, 3, 3, 5, 4],
  };
  const rows = topSelfTime(profile, 10, ROOT);
  assert.deepEqual(rows.map((r) => [r.name, r.where, r.percent]), [
    ["score", "backend/detector/forest.ts:10", 75],
    ["json", "npm:hono", 25],
  ]);
  assert.equal(topSelfTime(profile, 1, ROOT).length, 1);
});

Deno.test("topSelfTime() falls back to hit counts when the profile has no samples", () => {
  const rows = topSelfTime(
    {
      nodes: [
        { id: 1, callFrame: frame("(garbage collector)"), hitCount: 1 },
        { id: 2, callFrame: frame("parse", "file:///repo/lib/t.ts", 0), hitCount: 3 },
      ],
    },
    5,
    ROOT,
  );
  assert.deepEqual(rows.map((r) => [r.name, r.where, r.percent]), [
    ["parse", "lib/t.ts:1", 75],
    ["(garbage collector)", "native", 25],
  ]);
});

Deno.test("shortLocation() names npm scopes and Deno's own modules briefly", () => {
  assert.equal(
    shortLocation("file:///c/npm/registry.npmjs.org/@scope/pkg/1.0.0/x.js", 0, ROOT),
    "npm:@scope/pkg",
  );
  assert.equal(shortLocation("ext:deno_http/00_serve.ts", 4, ROOT), "ext:deno_http/00_serve.ts:5");
  assert.equal(shortLocation("", 0, ROOT), "native");
});

Deno.test("profileTable() renders one Markdown row per function", () => {
  const table = profileTable([{ name: "score", where: "backend/x.ts:3", percent: 12.345 }]);
  assert.equal(table.split("\n").length, 3);
  assert.match(table, /\| 12\.3 % \| `score` \| backend\/x\.ts:3 \|/);
});

Deno.test("profileComparison() matches functions whose lines moved and states µs per request", () => {
  const run = (rows: [string, string, number][], cpuUsPerRequest: number) => ({
    rows: rows.map(([name, where, percent]) => ({ name, where, percent })),
    cpuUsPerRequest,
  });
  const table = profileComparison(
    run([["json", "npm:hono", 50], ["ids", "backend/p.ts:10", 25], ["gc", "native", 25]], 40),
    run([["ids", "backend/p.ts:14", 40], ["gc", "native", 60]], 20),
    2,
  );
  const lines = table.split("\n");
  // json: 50 % of 40 µs before, gone after; ids: 25 % of 40 before, 40 % of 20 after.
  assert.deepEqual(lines.slice(2), [
    "| `json` | npm:hono | 20.0 | — |",
    "| `gc` | native | 10.0 | 12.0 |",
    "| `ids` | backend/p.ts:14 | 10.0 | 8.0 |",
    "| **whole request** | server CPU | **40.0** | **20.0** |",
  ]);
});

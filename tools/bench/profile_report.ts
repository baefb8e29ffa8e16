/**
 * Reads a V8 CPU profile (the inspector's `Profiler.stop` result) into the
 * functions with the most self time, for `deno task bench:profile`.
 */

/** The parts of a V8 `Profiler.Profile` this report reads. */
export interface V8CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }[];
  samples?: number[];
}

/** One function's self time. */
export interface ProfileRow {
  /** Function name, or V8's bucket such as `(garbage collector)`. */
  name: string;
  /** `file:line` relative to the repository, `npm:package` or `native`. */
  where: string;
  /** Share of the non-idle samples, 0–100. */
  percent: number;
}

/** Where a call frame lives, short: repo-relative file, npm package or "native". */
export function shortLocation(url: string, line: number, repoRoot: string): string {
  if (!url) return "native";
  // Deno's npm cache: .../npm/<registry>/<name or @scope/name>/<version>/...
  const npm = url.match(/\/npm\/[^/]+\/((?:@[^/]+\/)?[^/]+)\/\d[^/]*\//);
  if (npm) return `npm:${npm[1]}`;
  const root = `file://${repoRoot.endsWith("/") ? repoRoot : `${repoRoot}/`}`;
  const path = url.startsWith(root) ? url.slice(root.length) : url;
  return `${path}:${line + 1}`;
}

/** The `top` functions by self time, `(idle)` excluded from the total. */
export function topSelfTime(profile: V8CpuProfile, top: number, repoRoot: string): ProfileRow[] {
  const hits = new Map<number, number>();
  if (profile.samples?.length) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
  }
  const byFunction = new Map<string, ProfileRow>();
  let busy = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (count === 0 || functionName === "(idle)") continue;
    busy += count;
    const name = functionName || "(anonymous)";
    const where = shortLocation(url, lineNumber, repoRoot);
    const key = `${name} ${where}`;
    const row = byFunction.get(key) ?? { name, where, percent: 0 };
    row.percent += count;
    byFunction.set(key, row);
  }
  return [...byFunction.values()]
    .map((r) => ({ ...r, percent: busy ? (100 * r.percent) / busy : 0 }))
    .sort((a, b) => b.percent - a.percent)
    .slice(0, top);
}

/** The rows as a Markdown table. */
export function profileTable(rows: ProfileRow[]): string {
  return [
    "| self time | function | where |",
    "| ---: | --- | --- |",
    ...rows.map((r) => `| ${r.percent.toFixed(1)} % | \`${r.name}\` | ${r.where} |`),
  ].join("\n");
}

/** One profiled run: every function's self time and the server's CPU time per request. */
export interface ProfiledRun {
  rows: ProfileRow[];
  /** Server CPU µs per request over the run (`/proc`), the total the shares divide. */
  cpuUsPerRequest: number;
  /** The commit profiled (saved runs). */
  commit?: string;
}

/** A function's identity across two commits: its name and file, not its line (lines move). */
function functionKey(row: ProfileRow): string {
  return `${row.name} ${row.where.replace(/:\d+$/, "")}`;
}

/**
 * Before against after, in server CPU µs per request (each function's share of the busy samples
 * times the run's CPU per request), so a function that shrank shows as fewer µs even where its
 * share grew. Rows: the `top` of either run, largest first; the last row is the whole request.
 */
export function profileComparison(before: ProfiledRun, after: ProfiledRun, top: number): string {
  const us = (run: ProfiledRun) =>
    new Map(run.rows.map((r) => [functionKey(r), (r.percent / 100) * run.cpuUsPerRequest]));
  const b = us(before);
  const a = us(after);
  const where = new Map([...before.rows, ...after.rows].map((r) => [functionKey(r), r]));
  const keys = new Set(
    [before, after].flatMap((run) => run.rows.slice(0, top).map(functionKey)),
  );
  const ranked = [...keys].sort((x, y) =>
    Math.max(b.get(y) ?? 0, a.get(y) ?? 0) - Math.max(b.get(x) ?? 0, a.get(x) ?? 0)
  );
  const cell = (v: number | undefined) => (v === undefined ? "—" : v.toFixed(1));
  return [
    "| function | where | before µs/request | after µs/request |",
    "| --- | --- | ---: | ---: |",
    ...ranked.map((k) => {
      const row = where.get(k)!;
      return `| \`${row.name}\` | ${row.where} | ${cell(b.get(k))} | ${cell(a.get(k))} |`;
    }),
    `| **whole request** | server CPU | **${cell(before.cpuUsPerRequest)}** | **${
      cell(after.cpuUsPerRequest)
    }** |`,
  ].join("\n");
}

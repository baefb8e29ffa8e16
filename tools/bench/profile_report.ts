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

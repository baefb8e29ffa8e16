/**
 * Reading facts out of Markdown: the pure part of `docs_facts_test.ts` (no
 * file system beyond reading the docs), unit-tested on its own.
 */

/** README.md and every docs/*.md, by path from the root. */
export function docsText(root: URL): Map<string, string> {
  const docs = new Map<string, string>();
  docs.set("README.md", Deno.readTextFileSync(new URL("README.md", root)));
  for (const entry of Deno.readDirSync(new URL("docs/", root))) {
    if (entry.isFile && entry.name.endsWith(".md")) {
      docs.set(`docs/${entry.name}`, Deno.readTextFileSync(new URL(`docs/${entry.name}`, root)));
    }
  }
  return docs;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

/** The numbers stated right before `noun` ("five islands", "9 scenarios"), words or digits. */
export function countsIn(text: string, noun: string): number[] {
  const pattern = new RegExp(
    `\\b(\\d+|${Object.keys(NUMBER_WORDS).join("|")})\\s+${noun}\\b`,
    "gi",
  );
  return [...text.matchAll(pattern)].map((m) =>
    /^\d+$/.test(m[1]) ? Number(m[1]) : NUMBER_WORDS[m[1].toLowerCase()]
  );
}

/**
 * The body rows of the first table whose header's first cell is `first`, as
 * trimmed cells (a `|` inside backticks does not split a cell).
 */
export function markdownTable(text: string, first: string): string[][] {
  const lines = text.split("\n");
  const cells = (line: string) => {
    const out: string[] = [];
    let cell = "";
    let code = false;
    for (const ch of line.trim().slice(1, -1)) {
      if (ch === "`") code = !code;
      if (ch === "|" && !code) {
        out.push(cell.trim());
        cell = "";
      } else cell += ch;
    }
    out.push(cell.trim());
    return out;
  };
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i].startsWith("|") || !/^\|[\s:|-]+\|$/.test(lines[i + 1])) continue;
    if (cells(lines[i])[0] !== first) continue;
    const rows: string[][] = [];
    for (let j = i + 2; j < lines.length && lines[j].startsWith("|"); j++) {
      rows.push(cells(lines[j]));
    }
    return rows;
  }
  return [];
}

/** `text` without its generated sections (`<!-- name:start ... -->` or `:begin` to `<!-- name:end -->`). */
export function outsideGenerated(text: string): string {
  return text.replace(/<!-- ([\w:-]+):(?:start|begin)\b[\s\S]*?<!-- \1:end -->/g, "");
}

/**
 * Figures that read as measurements: a number with a unit of speed, time,
 * size or ratio (`2,266 req/s`, `2.51 µs`, `1.94×`, `90.7 MiB`, `12 %`) unless a
 * target word precedes it (`at most 3 µs`, `≥ 9`, `target`).
 */
export function measuredFigures(text: string): string[] {
  const figure =
    /(\d[\d,.]*(?:[–-]\d[\d,.]*)?)\s*(req\/s|requests\/s|µs|ms|MiB|MB|KB|×|%)(?![\w/])/g;
  const out: string[] = [];
  for (const m of text.matchAll(figure)) {
    const before = text.slice(Math.max(0, m.index - 24), m.index);
    if (/(at most|at least|target|≥|≤|under|within|by at most)\s*[^\d]*$/i.test(before)) continue;
    out.push(m[0]);
  }
  return out;
}

const TOP_LEVEL = [
  "backend",
  "frontend",
  "lib",
  "tools",
  "k8s",
  "containers",
  "loadtest",
  "observability",
  "testing",
  "scripts",
  "docs",
  ".ci",
];

/** Repository paths in backticks (`backend/http/app.ts`, `k8s/overlays/dev`), without patterns. */
export function repoPathsIn(text: string): string[] {
  const out = new Set<string>();
  const top = TOP_LEVEL.map((t) => t.replace(".", "\\.")).join("|");
  for (const m of text.matchAll(new RegExp(`\`((?:${top})/[^\`\\s]*)\``, "g"))) {
    const path = m[1];
    if (/[*{}<>$]|\.\.\./.test(path)) continue;
    out.add(path.replace(/[.,:;)]+$/, ""));
  }
  return [...out];
}

/** Names of the interfaces, types and classes a module exports by declaration. */
export function exportedTypeNames(source: string): string[] {
  return [...source.matchAll(/^export (?:interface|type|class|abstract class) (\w+)/gm)].map((m) =>
    m[1]
  );
}

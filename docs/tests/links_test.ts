/**
 * Relative links and images in the README, the changelog and every doc
 * point at files that exist, and `#anchors` at headings that
 * exist (GitHub's slugs), so a participant never follows a dead link.
 */
import assert from "node:assert/strict";
import { REPO_ROOT } from "../../testing/backend_process.ts";

/** README.md, CHANGELOG.md and every docs/*.md. */
const DOCS = [
  "README.md",
  "CHANGELOG.md",
  ...[...Deno.readDirSync(new URL("../", import.meta.url))]
    .filter((e) => e.isFile && e.name.endsWith(".md")).map((e) => `docs/${e.name}`).sort(),
];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function headings(markdown: string): Set<string> {
  const out = new Set<string>();
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const m = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (m) out.add(slug(m[1]));
  }
  return out;
}

/** Link targets outside code: `[text](target)` and `![alt](target)`. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[\s\S]*?^\1\s*$/gm, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

Deno.test("slug() follows GitHub's heading anchors", () => {
  assert.equal(slug("Configuration (backend)"), "configuration-backend");
  assert.equal(slug("The path of a `/predict` request"), "the-path-of-a-predict-request");
  assert.equal(slug("2) Run locally (no containers)"), "2-run-locally-no-containers");
});

for (const doc of DOCS) {
  Deno.test(`relative links in ${doc} resolve`, async () => {
    const text = await Deno.readTextFile(`${REPO_ROOT}${doc}`);
    const base = new URL(doc, `file://${REPO_ROOT}`);
    const broken: string[] = [];
    const targets = links(text).filter((t) => !/^[a-z]+:/.test(t));
    for (const target of targets) {
      const [path, anchor] = target.split("#");
      const url = path ? new URL(path, base) : base;
      let body: string;
      try {
        body = await Deno.readTextFile(url);
      } catch {
        try {
          await Deno.stat(url);
          continue; // a directory or a binary file such as an image
        } catch {
          broken.push(`${target}: no such file`);
          continue;
        }
      }
      if (anchor && url.pathname.endsWith(".md") && !headings(body).has(anchor)) {
        broken.push(`${target}: no heading with that anchor`);
      }
    }
    assert.deepEqual(broken, []);
  });
}

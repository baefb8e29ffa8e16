/**
 * Requirement ids cited anywhere in the repository (`R1.5`, `K14`, ...) must
 * resolve inside it: each is listed in docs/REQUIREMENTS.md with its statement.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const ID = /\b(R\d+\.\d+|K\d+)\b/g;

function trackedTextFiles(): string[] {
  const out = new Deno.Command("git", { args: ["ls-files"], cwd: ROOT, stdout: "piped" })
    .outputSync();
  return new TextDecoder().decode(out.stdout).split("\n")
    .filter((f) => /\.(ts|tsx|md|yaml|yml|env|sh|json)$|Dockerfile/.test(f))
    .filter((f) => f !== "deno.lock" && f !== "docs/REQUIREMENTS.md");
}

/** The ids the list defines: the first cell of each table row. */
function listedIds(): Map<string, string> {
  const text = Deno.readTextFileSync(new URL("docs/REQUIREMENTS.md", ROOT));
  const rows = [...text.matchAll(/^\| (R\d+\.\d+|K\d+) +\| (.+?) +\|$/gm)];
  return new Map(rows.map((m) => [m[1], m[2]]));
}

Deno.test("every requirement id used in the repository is listed in docs/REQUIREMENTS.md", () => {
  const listed = listedIds();
  const used = new Map<string, string>();
  for (const file of trackedTextFiles()) {
    let text: string;
    try {
      text = Deno.readTextFileSync(new URL(file, ROOT));
    } catch {
      continue; // deleted in the working tree
    }
    for (const [id] of text.matchAll(ID)) if (!used.has(id)) used.set(id, file);
  }
  // Non-vacuous: the comments do cite ids.
  assert.ok(used.size > 10, `only ${used.size} ids found`);
  const unlisted = [...used].filter(([id]) => !listed.has(id)).map(([id, f]) => `${id} (${f})`);
  assert.deepEqual(unlisted, []);
  const unused = [...listed.keys()].filter((id) => !used.has(id));
  assert.deepEqual(unused, [], "listed but no longer used");
  for (const [id, statement] of listed) assert.ok(statement.length > 10, `${id} has no statement`);
});

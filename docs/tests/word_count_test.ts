/**
 * docs/ stays readable in one sitting: at most 25,000 words over every
 * docs/*.md. A word is a whitespace-separated token holding a letter or a
 * digit, so a table's `|` and `---:` rules do not count (`wc -w` counts
 * them: about 3,000 more on today's tables).
 */
import assert from "node:assert/strict";

const LIMIT = 25_000;

/** Tokens with at least one letter or digit. */
export function words(text: string): number {
  return text.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
}

Deno.test("words: table rules and pipes are not words, everything else is", () => {
  assert.equal(words("| a | b |\n| --- | ---: |\n| 1,2 | `x` |"), 4);
  assert.equal(words("  one\ttwo\nthree — four  "), 4);
});

Deno.test(`docs/ holds at most ${LIMIT.toLocaleString("en")} words`, () => {
  const dir = new URL("../", import.meta.url);
  const counts = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e) => ({ file: e.name, words: words(Deno.readTextFileSync(new URL(e.name, dir))) }))
    .sort((a, b) => b.words - a.words);
  const total = counts.reduce((sum, c) => sum + c.words, 0);
  assert.ok(
    total <= LIMIT,
    `docs/ has ${total} words, over ${LIMIT}; the largest: ` +
      counts.slice(0, 4).map((c) => `${c.file} ${c.words}`).join(", "),
  );
});

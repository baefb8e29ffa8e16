/**
 * Accessibility checks: static ones over server-rendered HTML for render
 * tests (every form control has a label, every button has a name), and an
 * axe-core audit of a live page for the browser tests.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";

/** Assert every `<input>`, `<select>` and `<textarea>` has an id with a `<label for>` (or aria-label). */
export function assertControlsLabelled(html: string): number {
  const controls = [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)];
  for (const [tag, , attrs] of controls) {
    if (/\btype="hidden"/.test(attrs)) continue;
    if (/\baria-label="[^"]+"/.test(attrs)) continue;
    const id = /\bid="([^"]+)"/.exec(attrs)?.[1];
    assert.ok(id, `control without id or aria-label: ${tag}`);
    assert.match(
      html,
      new RegExp(`<label[^>]*\\bfor="${id}"[^>]*>[^<]*\\S`),
      `no label for #${id}`,
    );
  }
  return controls.length;
}

/** Assert every `<button>` has visible text. */
export function assertButtonsNamed(html: string): string[] {
  const names = [...html.matchAll(/<button\b[^>]*>(.*?)<\/button>/g)].map((m) =>
    m[1].replace(/<[^>]+>/g, "").trim()
  );
  for (const n of names) assert.ok(n.length > 0, "a button has no text");
  return names;
}

/**
 * Run axe-core in a live page (whose CSP lets a script tag in) and assert it finds no WCAG 2.1
 * A/AA or best-practice violation, listing each one found; returns how many checks passed.
 */
export async function assertNoAxeViolations(page: Page): Promise<number> {
  await page.addScriptTag({ content: (axe as unknown as { source: string }).source });
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(o: unknown): Promise<unknown> } }).axe.run({
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
    })
  ) as {
    violations: { id: string; help: string; nodes: { target: string[] }[] }[];
    passes: unknown[];
  };
  const found = result.violations.map((v) =>
    `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`
  );
  assert.deepEqual(found, []);
  assert.ok(result.passes.length > 20, `axe ran only ${result.passes.length} checks`);
  return result.passes.length;
}

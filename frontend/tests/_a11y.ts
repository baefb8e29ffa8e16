/**
 * Static accessibility checks over server-rendered HTML, for render tests:
 * every form control has a label, every button has a name.
 */
import assert from "node:assert/strict";

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

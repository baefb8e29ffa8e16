import assert from "node:assert/strict";
import { islandRegistry, PROPS_SCRIPT_ID, renderPage } from "./render.ts";
import { assertJsonSafe, serializeForScript } from "./props.ts";

function Counter({ start, label }: { start: number; label: string }) {
  return <button type="button">{label}: {start}</button>;
}
function Plain({ text }: { text: string }) {
  return <p>{text}</p>;
}
const registry = islandRegistry({ Counter });

function Page({ children }: { children?: preact.ComponentChildren }) {
  return (
    <html>
      <body>{children}</body>
    </html>
  );
}

Deno.test("renderPage() wraps islands in markers, keeps their HTML and serializes props", () => {
  const { html, islands } = renderPage(
    <Page>
      <Plain text="static" />
      <Counter start={3} label="A" />
      <Counter start={5} label="B" />
    </Page>,
    { registry, buildPrefix: "/static/build/", version: "v1", nonce: "abc" },
  );
  assert.deepEqual(islands, ["Counter"]);
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.match(html, /<p>static<\/p>/);
  assert.match(
    html,
    /<div data-island="Counter" data-island-props="0" class="island"><button type="button">A: 3<\/button><\/div>/,
  );
  assert.match(html, /data-island-props="1"[^>]*><button type="button">B: 5</);
  const props = /<script type="application\/json" id="__island_props">(.*?)<\/script>/.exec(html)
    ?.[1];
  assert.deepEqual(JSON.parse(props!), [{ start: 3, label: "A" }, { start: 5, label: "B" }]);
  assert.match(
    html,
    /<script type="module" nonce="abc">import\{boot\}from"\/static\/build\/runtime\/boot\.js\?v=v1";/,
  );
  assert.match(
    html,
    /import I0 from "\/static\/build\/islands\/Counter\.js\?v=v1";boot\(\{"Counter":I0\}\);/,
  );
  assert.ok(html.indexOf(PROPS_SCRIPT_ID) < html.indexOf("</body>"));
});

Deno.test("renderPage() ships no script for a page without islands", () => {
  const { html, islands } = renderPage(
    <Page>
      <Plain text="x" />
    </Page>,
    { registry, buildPrefix: "/b/" },
  );
  assert.deepEqual(islands, []);
  assert.doesNotMatch(html, /<script/);
});

Deno.test("renderPage() escapes props so a value cannot close the script element", () => {
  const hostile = "</script><script>alert(1)</script>\u2028";
  const { html } = renderPage(
    <Page>
      <Counter start={1} label={hostile} />
    </Page>,
    { registry, buildPrefix: "/b/" },
  );
  const json = /id="__island_props">(.*?)<\/script>/.exec(html)![1];
  assert.doesNotMatch(json, /<\/script>/);
  assert.equal(JSON.parse(json)[0].label, "</script><script>alert(1)</script>\u2028");
});

Deno.test("renderPage() refuses island props that are not plain JSON", () => {
  const bad = { start: 1, label: "x", onClick: () => {} } as unknown as {
    start: number;
    label: string;
  };
  assert.throws(
    () =>
      renderPage(
        <Page>
          <Counter {...bad} />
        </Page>,
        { registry, buildPrefix: "/b/" },
      ),
    /Island prop Counter\.props\.onClick must be plain JSON data, got a function/,
  );
  // The failed render leaves no state behind: the next one works.
  assert.equal(
    renderPage(
      <Page>
        <Counter start={1} label="ok" />
      </Page>,
      { registry, buildPrefix: "/b/" },
    ).islands.length,
    1,
  );
});

Deno.test("assertJsonSafe() accepts plain data and names the offending path otherwise", () => {
  assertJsonSafe({ a: [1, "x", null, true, { b: 2 }], c: undefined });
  assert.throws(() => assertJsonSafe({ a: [1, NaN] }), /props\.a\[1\] must be a finite number/);
  assert.throws(
    () => assertJsonSafe({ d: new Date() }),
    /props\.d must be a plain object, got a Date/,
  );
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => assertJsonSafe(cyclic), /circular/);
  assert.equal(serializeForScript({ s: "<&>" }), '{"s":"\\u003c\\u0026\\u003e"}');
});

import assert from "node:assert/strict";
import { renderDocsPage } from "./docs_page.ts";
import { openApiDocument } from "./openapi.ts";
import { PROBLEMS } from "../../lib/problem.ts";

const page = renderDocsPage();

/** A DOM element stand-in that records what the page's script builds; HTML insertion throws. */
class FakeElement {
  readonly children: (FakeElement | string)[] = [];
  readonly attributes: Record<string, string> = {};
  textContent = "";
  className = "";
  name = "";
  placeholder = "";
  value = "";
  rows = 0;
  onclick: (() => Promise<void>) | null = null;
  constructor(readonly tag: string) {}
  append(...nodes: (FakeElement | string)[]) {
    this.children.push(...nodes);
  }
  setAttribute(name: string, value: string) {
    this.attributes[name] = value;
  }
  set innerHTML(_html: string) {
    throw new Error("the docs page must insert text, never HTML");
  }
  /** Every element below this one, depth first. */
  all(): FakeElement[] {
    return this.children.flatMap((c) => typeof c === "string" ? [] : [c, ...c.all()]);
  }
  /** The text of this element and its descendants. */
  text(): string {
    return this.textContent +
      this.children.map((c) => typeof c === "string" ? c : c.text()).join("");
  }
}

/** Run the page's script against `spec`; the #ops element it filled and the requests it made. */
async function runScript(spec: unknown, answer = "{}") {
  const script = /<script type="module">([\s\S]*)<\/script>/.exec(page)?.[1];
  assert.ok(script, "the page has its module script");
  const ops = new FakeElement("div");
  const requests: { url: string; init?: RequestInit }[] = [];
  const document = {
    getElementById: (id: string) => (id === "ops" ? ops : null),
    createElement: (tag: string) => new FakeElement(tag),
  };
  const fetch = (url: string, init?: RequestInit) => {
    requests.push({ url, ...(init ? { init } : {}) });
    const body = url === "openapi.json" ? JSON.stringify(spec) : answer;
    return Promise.resolve(new Response(body, { status: 200, statusText: "OK" }));
  };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  await new AsyncFunction("document", "fetch", script)(document, fetch);
  return { ops, requests };
}

Deno.test("renderDocsPage() has a linkable section for every problem type with its status and title", () => {
  for (const [type, { status, title }] of Object.entries(PROBLEMS)) {
    const section = new RegExp(`<dt id="problem-${type}"><code>${status}</code> ${title} `);
    assert.match(page, section, type);
  }
  const ids = [...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, "ids are unique");
});

Deno.test("renderDocsPage() loads nothing from another origin (workshop machines may be offline)", () => {
  assert.doesNotMatch(page, /(src|href)\s*=\s*["']?(https?:)?\/\//i);
  assert.doesNotMatch(page, /@import|url\(/i);
  assert.match(page, /fetch\("openapi\.json"\)/, "a relative URL works behind a path prefix");
  assert.match(page, /^<!doctype html>\n<html lang="en">/);
});

Deno.test("the /docs script renders one Try-it form per operation of the real document", async () => {
  const spec = openApiDocument({ maxBatch: 100, maxBodyBytes: 65_536 });
  const { ops } = await runScript(spec);
  const sections = ops.children as FakeElement[];
  const expected = Object.entries(spec.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
  assert.equal(sections.length, expected.length);
  assert.deepEqual(sections.map((s) => s.all().find((e) => e.tag === "h3")!.text()), expected);
  const simulate = sections[expected.indexOf("GET /simulate")];
  assert.deepEqual(
    simulate.all().filter((e) => e.tag === "input").map((e) => [e.name, e.placeholder]),
    [
      ["n", "64"],
      ["anomaly_rate", "0.05"],
      ["seed", ""],
      ["voltage_scale", "1"],
      ["current_scale", "1"],
      ["frequency_offset", "0"],
    ],
  );
  const predict = sections[expected.indexOf("POST /predict")];
  const body = predict.all().find((e) => e.tag === "textarea")!;
  assert.deepEqual(JSON.parse(body.value).readings.length, 2, "the example body is prefilled");
});

Deno.test("the /docs script inserts the document's text as text and sends the form as a relative request", async () => {
  const evil = "<img src=x onerror=alert(1)>";
  const spec = {
    paths: {
      "/predict": {
        post: {
          summary: evil,
          parameters: [{ name: "q", schema: { default: 3 } }],
          requestBody: { content: { "application/json": { example: { readings: [] } } } },
        },
      },
    },
  };
  const { ops, requests } = await runScript(spec, '{"ok":true}');
  const section = ops.children[0] as FakeElement;
  assert.ok(section.all().some((e) => e.tag === "p" && e.textContent === evil));
  const input = section.all().find((e) => e.tag === "input")!;
  input.value = "7";
  const button = section.all().find((e) => e.tag === "button")!;
  await button.onclick!();
  const sent = requests.at(-1)!;
  assert.equal(sent.url, "predict?q=7");
  assert.equal(sent.init?.method, "POST");
  assert.deepEqual(JSON.parse(String(sent.init?.body)), { readings: [] });
  const out = section.all().find((e) => e.tag === "pre")!;
  assert.equal(out.textContent, '200 OK\n{\n  "ok": true\n}');
});

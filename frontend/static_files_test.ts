import assert from "node:assert/strict";
import { loadStaticFiles, serveStatic } from "./static_files.ts";

Deno.test("loadStaticFiles() reads nested files, skips dotfiles and reads the build id", async () => {
  const dir = await Deno.makeTempDir({ prefix: "static-test-" });
  try {
    await Deno.mkdir(`${dir}/build/islands`, { recursive: true });
    await Deno.mkdir(`${dir}/.build-tmp-1`);
    await Deno.writeTextFile(`${dir}/styles.css`, "body{}");
    await Deno.writeTextFile(`${dir}/.hidden.js`, "x");
    await Deno.writeTextFile(`${dir}/.build-tmp-1/half.js`, "x");
    await Deno.writeTextFile(`${dir}/build/islands/A.js`, "export default 1");
    await Deno.writeTextFile(`${dir}/build/meta.json`, JSON.stringify({ buildId: "abc123" }));
    const files = await loadStaticFiles(new URL(`file://${dir}/`));
    assert.deepEqual([...files.files.keys()].sort(), [
      "/static/build/islands/A.js",
      "/static/build/meta.json",
      "/static/styles.css",
    ]);
    assert.equal(files.buildId, "abc123");
    assert.equal(files.files.get("/static/styles.css")!.contentType, "text/css; charset=utf-8");
    assert.match(files.files.get("/static/build/islands/A.js")!.etag, /^"[0-9a-f]{20}"$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadStaticFiles() reports a missing build as buildId null", async () => {
  const dir = await Deno.makeTempDir({ prefix: "static-test-" });
  try {
    await Deno.writeTextFile(`${dir}/styles.css`, "body{}");
    assert.equal((await loadStaticFiles(new URL(`file://${dir}/`))).buildId, null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveStatic() sends the gzipped body to clients that accept it, with its own ETag", async () => {
  const dir = await Deno.makeTempDir({ prefix: "static-test-" });
  try {
    const js = "export const greeting = 'hello';\n".repeat(50);
    await Deno.writeTextFile(`${dir}/app.js`, js);
    await Deno.writeTextFile(`${dir}/tiny.js`, "1");
    const files = await loadStaticFiles(new URL(`file://${dir}/`));
    const zipped = serveStatic(
      files,
      "/static/app.js",
      new Request("http://x/", { headers: { "accept-encoding": "gzip, br" } }),
    )!;
    assert.equal(zipped.headers.get("content-encoding"), "gzip");
    assert.equal(zipped.headers.get("vary"), "accept-encoding");
    assert.match(zipped.headers.get("etag")!, /-gz"$/);
    const bytes = new Uint8Array(await zipped.arrayBuffer());
    assert.ok(bytes.byteLength < js.length / 5);
    const plain = await new Response(
      new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")),
    )
      .text();
    assert.equal(plain, js);
    const identity = serveStatic(files, "/static/app.js", new Request("http://x/"))!;
    assert.equal(identity.headers.get("content-encoding"), null);
    assert.equal(await identity.text(), js);
    const tiny = serveStatic(
      files,
      "/static/tiny.js",
      new Request("http://x/", { headers: { "accept-encoding": "gzip" } }),
    )!;
    assert.equal(tiny.headers.get("content-encoding"), null);
    await tiny.body?.cancel();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveStatic() answers GET, HEAD and If-None-Match, and null for unknown paths", async () => {
  const body = new TextEncoder().encode("body{}");
  const files = {
    buildId: null,
    files: new Map([["/static/styles.css", {
      body,
      contentType: "text/css; charset=utf-8",
      etag: '"e"',
    }]]),
  };
  const get = serveStatic(files, "/static/styles.css", new Request("http://x/static/styles.css"))!;
  assert.equal(await get.text(), "body{}");
  assert.equal(get.headers.get("x-content-type-options"), "nosniff");
  const head = serveStatic(
    files,
    "/static/styles.css",
    new Request("http://x/", { method: "HEAD" }),
  )!;
  assert.equal(head.body, null);
  const cached = serveStatic(
    files,
    "/static/styles.css",
    new Request("http://x/", { headers: { "if-none-match": '"e"' } }),
  )!;
  assert.equal(cached.status, 304);
  assert.equal(serveStatic(files, "/static/../deno.json", new Request("http://x/")), null);
});

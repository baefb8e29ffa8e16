/**
 * `static/` served from memory: the files are read once at start-up, so
 * nothing on disk is looked up by a request path (no traversal) and a
 * read-only root filesystem is fine. The island bundles in `static/build/`
 * come from `build.ts`.
 */

/** One file ready to serve. */
export interface StaticFile {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  etag: string;
  /** Gzipped body, for compressible types (compressed once, at start-up). */
  gzip?: Uint8Array<ArrayBuffer>;
}

const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;

async function gzip(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Files by URL path (e.g. `/static/build/boot.js`), plus the build id. */
export interface StaticFiles {
  files: ReadonlyMap<string, StaticFile>;
  /** Build id from `build/meta.json`, or null when the islands are not built. */
  buildId: string | null;
}

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  map: "application/json",
};

async function sha1(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", data));
  return Array.from(digest.slice(0, 10), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function walk(dir: URL, prefix: string, out: Map<string, StaticFile>): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".")) continue;
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) {
      await walk(url, `${prefix}${entry.name}/`, out);
    } else if (entry.isFile) {
      const body = await Deno.readFile(url);
      const ext = entry.name.split(".").pop() ?? "";
      const contentType = TYPES[ext] ?? "application/octet-stream";
      const file: StaticFile = { body, contentType, etag: `"${await sha1(body)}"` };
      if (COMPRESSIBLE.test(contentType) && body.byteLength > 256) file.gzip = await gzip(body);
      out.set(`${prefix}${entry.name}`, file);
    }
  }
}

/** Read every file under `dir` (a directory URL ending in `/`) for serving under `/static/`. */
export async function loadStaticFiles(dir: URL): Promise<StaticFiles> {
  const files = new Map<string, StaticFile>();
  await walk(dir, "/static/", files);
  let buildId: string | null = null;
  const meta = files.get("/static/build/meta.json");
  if (meta) {
    try {
      buildId = String(JSON.parse(new TextDecoder().decode(meta.body)).buildId);
    } catch {
      buildId = null;
    }
  }
  return { files, buildId };
}

/**
 * Answer a GET for `path` from `files`: gzipped when the client accepts it,
 * with ETag revalidation (one ETag per encoding); null when there is no such
 * file.
 */
export function serveStatic(files: StaticFiles, path: string, req: Request): Response | null {
  const file = files.files.get(path);
  if (!file) return null;
  const gzipped = file.gzip !== undefined &&
    /\bgzip\b/.test(req.headers.get("accept-encoding") ?? "");
  const etag = gzipped ? `${file.etag.slice(0, -1)}-gz"` : file.etag;
  const headers = new Headers({
    "content-type": file.contentType,
    etag,
    // Versioned URLs (?v=build id) could be immutable; revalidating is cheap and always right.
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (file.gzip !== undefined) headers.set("vary", "accept-encoding");
  if (gzipped) headers.set("content-encoding", "gzip");
  if (req.headers.get("if-none-match") === etag) {
    return new Response(null, { status: 304, headers });
  }
  const body = gzipped ? file.gzip! : file.body;
  return new Response(req.method === "HEAD" ? null : body, { headers });
}

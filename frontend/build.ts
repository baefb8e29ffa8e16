/**
 * Builds the browser code: one ES module per island plus the boot script,
 * with shared chunks (Preact, chart.js, the simulator) split out so each is
 * downloaded once. Uses `Deno.bundle` (esbuild inside Deno, which resolves
 * the import map and `npm:` packages from Deno's cache). Output goes to
 * `frontend/static/build/` (git-ignored) with `meta.json` listing sizes.
 *
 *   deno task build:ui
 *   deno run --unstable-bundle -A frontend/build.ts --out-dir /tmp/islands
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { print, printError } from "../lib/logger.ts";
import { islandNames } from "./runtime/islands_dir.ts";
import { syncManifest } from "./runtime/manifest_gen.ts";

/** What a build produced. */
export interface BuildResult {
  buildId: string;
  /** Output files relative to the build directory, with raw and gzip sizes in bytes. */
  files: { name: string; bytes: number; gzipBytes: number }[];
  ms: number;
}

/** Options for {@link buildIslands}. */
export interface BuildOptions {
  /** Output directory; default `frontend/static/build/`. */
  outDir?: URL | undefined;
  /** Minify; default true. */
  minify?: boolean;
}

const FRONTEND = new URL("./", import.meta.url);

/** Path of the boot module inside the build directory. */
export const BOOT_MODULE = "runtime/boot.js";

/** Path of an island's module inside the build directory. */
export function islandModule(name: string): string {
  return `islands/${name}.js`;
}

async function listJs(dir: URL, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) {
      out.push(...await listJs(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`));
    } else if (entry.isFile && entry.name.endsWith(".js")) out.push(prefix + entry.name);
  }
  return out;
}

async function gzipSize(data: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Strip the trailing slash of a directory URL's path. */
function dirPath(url: URL): string {
  return url.pathname.replace(/\/+$/, "");
}

/**
 * Replace `finalDir` by `tmpDir` with two renames, so a server starting at the
 * same time (or a concurrent build) never sees a half-written directory.
 */
async function swapInto(tmpDir: URL, finalDir: URL, tag: string): Promise<void> {
  const name = dirPath(finalDir).split("/").pop();
  for (let attempt = 0;; attempt++) {
    const old = new URL(`../.${name}-old-${tag}-${attempt}/`, finalDir);
    try {
      await Deno.rename(dirPath(finalDir), dirPath(old));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    try {
      await Deno.rename(dirPath(tmpDir), dirPath(finalDir));
      await Deno.remove(old, { recursive: true }).catch(() => {});
      return;
    } catch (err) {
      // Another build put its directory in place between our two renames.
      await Deno.remove(old, { recursive: true }).catch(() => {});
      if (attempt >= 5) throw err;
    }
  }
}

/** Bundle the boot script and every island into `outDir`, replacing what was there. */
export async function buildIslands(options: BuildOptions = {}): Promise<BuildResult> {
  const finalDir = options.outDir ?? new URL("./static/build/", FRONTEND);
  const tag = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const outDir = new URL(`../.${dirPath(finalDir).split("/").pop()}-tmp-${tag}/`, finalDir);
  const started = performance.now();
  await Deno.mkdir(outDir, { recursive: true });
  try {
    return await bundleInto(outDir, finalDir, tag, started, options);
  } finally {
    await Deno.remove(outDir, { recursive: true }).catch(() => {});
  }
}

async function bundleInto(
  outDir: URL,
  finalDir: URL,
  tag: string,
  started: number,
  options: BuildOptions,
): Promise<BuildResult> {
  const islands = await islandNames(new URL("./islands/", FRONTEND));
  const entrypoints = [
    new URL("./runtime/boot.ts", FRONTEND).pathname,
    ...islands.map((name) => new URL(`./islands/${name}.tsx`, FRONTEND).pathname),
  ];
  const result = await Deno.bundle({
    entrypoints,
    outputDir: outDir.pathname,
    format: "esm",
    platform: "browser",
    codeSplitting: true,
    minify: options.minify ?? true,
    write: true,
  });
  if (!result.success) {
    const messages = result.errors.map((e) =>
      e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text
    );
    throw new Error(`Building the islands failed:\n${messages.join("\n")}`);
  }
  const files: BuildResult["files"] = [];
  const hash = new Uint8Array(32);
  for (const name of await listJs(outDir)) {
    const data = await Deno.readFile(new URL(name, outDir));
    files.push({ name, bytes: data.byteLength, gzipBytes: await gzipSize(data) });
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    for (let i = 0; i < hash.length; i++) hash[i] ^= digest[i];
  }
  // Entry points keep their folder under frontend/: runtime/boot.js, islands/<Name>.js.
  for (const name of [BOOT_MODULE, ...islands.map(islandModule)]) {
    if (!files.some((f) => f.name === name)) {
      throw new Error(
        `The build did not produce ${name} (got ${files.map((f) => f.name).join(", ")})`,
      );
    }
  }
  files.sort((a, b) => a.name.localeCompare(b.name));
  const buildId = Array.from(hash.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
  const ms = performance.now() - started;
  await Deno.writeTextFile(
    new URL("meta.json", outDir),
    JSON.stringify({ buildId, islands, files }, null, 2) + "\n",
  );
  await swapInto(outDir, finalDir, tag);
  return { buildId, files, ms };
}

if (import.meta.main) {
  // `--out-dir DIR` builds elsewhere (tests); the default is frontend/static/build/.
  const at = Deno.args.indexOf("--out-dir");
  const outDir = at >= 0 && Deno.args[at + 1]
    ? pathToFileURL(resolve(Deno.args[at + 1]) + "/")
    : undefined;
  try {
    // The server's island list follows the folder, as the bundles do.
    if (await syncManifest(FRONTEND)) print("wrote frontend/manifest.ts from frontend/islands/");
    const result = await buildIslands({ outDir });
    const raw = result.files.reduce((s, f) => s + f.bytes, 0);
    const gz = result.files.reduce((s, f) => s + f.gzipBytes, 0);
    print(
      `built ${result.files.length} modules in ${result.ms.toFixed(0)} ms: ` +
        `${(raw / 1024).toFixed(1)} KB, ${
          (gz / 1024).toFixed(1)
        } KB gzipped (build ${result.buildId})`,
    );
  } catch (err) {
    printError(err instanceof Error ? err.message : String(err));
    Deno.exit(1);
  }
}

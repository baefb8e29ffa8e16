/**
 * End-to-end helpers: build the islands, start the real UI server process
 * on a free port (next to the real backend from `testing/backend_process.ts`),
 * and launch Chromium the way DESIGN.md §2 says.
 */
import { REPO_ROOT } from "../../testing/backend_process.ts";

/** A running UI server process. */
export interface UiProcess {
  url: string;
  port: number;
  logs(): string[];
  stop(): Promise<Deno.CommandStatus>;
}

/** Run `deno task build:ui` (atomic: a running server never sees half a build). */
export async function buildUi(): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "build:ui"],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno task build:ui failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
}

async function pump(
  stream: ReadableStream<Uint8Array>,
  lines: string[],
  onLine: (l: string) => void,
) {
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    const parts = rest.split("\n");
    rest = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      onLine(line);
    }
  }
  if (rest) lines.push(rest);
}

/** Start `frontend/main.ts` with the UI image's permissions; resolves once it listens. */
export async function startUi(env: Record<string, string>): Promise<UiProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", `${REPO_ROOT}frontend/main.ts`],
    env: { PORT: "0", HOST: "127.0.0.1", ...env },
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let onPort!: (port: number) => void;
  const listening = new Promise<number>((r) => (onPort = r));
  const watch = (line: string) => {
    try {
      const entry = JSON.parse(line);
      if (entry.event === "listening") onPort(entry.port);
    } catch {
      // not a log line
    }
  };
  const pumps = Promise.all([pump(child.stdout, lines, watch), pump(child.stderr, lines, watch)]);
  const status = child.status.then(async (s) => {
    await pumps;
    return s;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`UI did not start:\n${lines.join("\n")}`)), 30_000);
    status.then((s) => reject(new Error(`UI exited with ${s.code}:\n${lines.join("\n")}`)));
  });
  failed.catch(() => {});
  try {
    const port = await Promise.race([listening, failed]);
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      logs: () => [...lines],
      stop: async () => {
        try {
          child.kill("SIGTERM");
        } catch {
          // already exited
        }
        return await status;
      },
    };
  } catch (err) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await status;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Chromium flags for headless runs in containers and CI (DESIGN.md §2). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Where Debian installs Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Directory for screenshots and measurements (git-ignored). */
export const ARTIFACTS = new URL("./.artifacts/", import.meta.url);

/** Gzip size of `data` in bytes (what a compressing server would send). */
export async function gzipSize(data: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Read a counter's total from Prometheus text, summing series whose labels match every `labels` entry. */
export function counterTotal(
  metrics: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0;
  for (const line of metrics.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

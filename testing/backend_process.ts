/**
 * Starts the real backend process on a free port for end-to-end tests, and
 * stops it. The port is read from the backend's own `listening` log line, so
 * there is no race for a pre-picked port.
 */
import { fileURLToPath } from "node:url";

/** A running backend process. */
export interface BackendProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  pid: number;
  /** Send a signal and wait for the exit status. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
  /** Every log line the process printed so far (stdout and stderr). */
  logs(): string[];
  /** Resolves with the exit status whenever the process ends. */
  status: Promise<Deno.CommandStatus>;
}

/** Options for {@link startBackend}. */
export interface StartBackendOptions {
  /** Extra environment; `PORT` defaults to 0 (free port), `MODEL_DIR` to a temp dir shared by this test process. */
  env?: Record<string, string>;
  /** Wait until `/ready` answers 200. Default true. */
  waitReady?: boolean;
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number;
  /** Entry module relative to the repository root. Default `backend/main.ts`. */
  entry?: string;
}

const ROOT = fileURLToPath(new URL("../", import.meta.url));
let sharedModelDir: string | null = null;

/** The repository root (for spawning tasks and scripts). */
export const REPO_ROOT = ROOT;

/**
 * The `deno` arguments of the deno.json task that runs `entry`, so tests start
 * the process exactly as `deno task backend` does (same permissions and V8 flags).
 */
export function taskArgs(entry: string): string[] {
  const tasks: Record<string, string> = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;
  const command = Object.values(tasks).find((c) =>
    c.startsWith("deno run ") && c.endsWith(` ${entry}`)
  );
  if (!command) throw new Error(`No deno.json task runs ${entry}`);
  return command.split(/\s+/).slice(1);
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

/** Start `backend/main.ts` as a child process and wait until it listens (and is ready). */
export async function startBackend(options: StartBackendOptions = {}): Promise<BackendProcess> {
  sharedModelDir ??= await Deno.makeTempDir({ prefix: "gridguard-models-" });
  const env = {
    PORT: "0",
    HOST: "127.0.0.1",
    MODEL_DIR: sharedModelDir,
    LOG_LEVEL: "info",
    DRAIN_DELAY_S: "0",
    ...options.env,
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: taskArgs(options.entry ?? "backend/main.ts"),
    env,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let onPort!: (port: number) => void;
  const portFound = new Promise<number>((r) => (onPort = r));
  const watch = (line: string) => {
    try {
      const entry = JSON.parse(line);
      if (entry.event === "listening") onPort(entry.port);
    } catch {
      // not a JSON log line
    }
  };
  const pumps = Promise.all([pump(child.stdout, lines, watch), pump(child.stderr, lines, watch)]);
  const status = child.status.then(async (s) => {
    await pumps;
    return s;
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Backend did not start within ${timeoutMs} ms:\n${lines.join("\n")}`)),
      timeoutMs,
    );
  });
  const exited = status.then((s) => {
    throw new Error(`Backend exited with code ${s.code} before listening:\n${lines.join("\n")}`);
  });
  try {
    const port = await Promise.race([portFound, timeout, exited]);
    const url = `http://127.0.0.1:${port}`;
    if (options.waitReady ?? true) {
      while (true) {
        const res = await Promise.race([fetch(`${url}/ready`), timeout, exited]);
        await res.body?.cancel();
        if (res.status === 200) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return {
      url,
      port,
      pid: child.pid,
      status,
      logs: () => [...lines],
      stop: async (signal: Deno.Signal = "SIGTERM") => {
        try {
          child.kill(signal);
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
    exited.catch(() => {});
  }
}

/**
 * Starts the real backend process on a free port for end-to-end tests and
 * benchmarks, with the arguments of its deno.json task and a temporary
 * MODEL_DIR shared by the test process.
 */
import { fileURLToPath } from "node:url";
import { type ServiceProcess, startService } from "./service_process.ts";

/** A running backend process. */
export type BackendProcess = ServiceProcess;

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
  // A task may prepare first (`deno task build:ui && deno run ...`): the run is the last step.
  const command = Object.values(tasks).map((c) => c.split("&&").pop()!.trim()).find((c) =>
    c.startsWith("deno run ") && c.endsWith(` ${entry}`)
  );
  if (!command) throw new Error(`No deno.json task runs ${entry}`);
  return command.split(/\s+/).slice(1);
}

/** Start `backend/main.ts` (or `entry`) exactly as its deno.json task does, and wait until it is ready. */
export async function startBackend(options: StartBackendOptions = {}): Promise<BackendProcess> {
  sharedModelDir ??= await Deno.makeTempDir({ prefix: "gridguard-models-" });
  return await startService({
    name: "Backend",
    args: taskArgs(options.entry ?? "backend/main.ts"),
    cwd: ROOT,
    env: {
      PORT: "0",
      HOST: "127.0.0.1",
      MODEL_DIR: sharedModelDir,
      LOG_LEVEL: "info",
      DRAIN_DELAY_S: "0",
      ...options.env,
    },
    readyPath: options.waitReady ?? true ? "/ready" : null,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/**
 * Runs guide commands the way a participant's terminal does (`bash`, from the
 * repository root), each in its own process group so a command that starts
 * children (`deno task` → `deno run`) is stopped whole.
 */

/** Options for {@link runShell} and {@link startShell}. */
export interface ShellOptions {
  /** Working directory (the repository root). */
  cwd: string;
  /** Environment added to this process's. */
  env?: Record<string, string>;
}

/** Options for {@link runShell}. */
export interface RunShellOptions extends ShellOptions {
  /** Kill the command's process group after this many seconds. */
  timeoutS: number;
}

/** The outcome of {@link runShell}. */
export interface ShellResult {
  code: number;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
  timedOut: boolean;
  seconds: number;
}

function spawnGroup(command: string, options: ShellOptions): Deno.ChildProcess {
  // setsid makes the shell a process-group leader: its pid is the group id.
  return new Deno.Command("setsid", {
    args: ["bash", "-o", "pipefail", "-c", command],
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

function killGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // the group has already exited
  }
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  sink: string[],
): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) sink.push(decoder.decode(chunk, { stream: true }));
}

/** Run `command` with bash to completion, or kill its process group at the time limit. */
export async function runShell(command: string, options: RunShellOptions): Promise<ShellResult> {
  const started = performance.now();
  const child = spawnGroup(command, options);
  const chunks: string[] = [];
  const pumps = Promise.all([collect(child.stdout, chunks), collect(child.stderr, chunks)]);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, "SIGKILL");
  }, options.timeoutS * 1000);
  try {
    const status = await child.status;
    await pumps;
    return {
      code: status.code,
      output: chunks.join(""),
      timedOut,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A long-running command started by {@link startShell}. */
export interface ShellService {
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves when it exits. */
  status: Promise<Deno.CommandStatus>;
  /** SIGINT to its process group (Ctrl-C in a terminal); SIGKILL after `graceS`. */
  stop(graceS?: number): Promise<Deno.CommandStatus>;
}

/** Start a long-running `command` (a server) in its own process group. */
export function startShell(command: string, options: ShellOptions): ShellService {
  const child = spawnGroup(command, options);
  const chunks: string[] = [];
  const pumps = Promise.all([collect(child.stdout, chunks), collect(child.stderr, chunks)]);
  const status = child.status.then(async (s) => {
    await pumps;
    return s;
  });
  return {
    pid: child.pid,
    output: () => chunks.join(""),
    status,
    async stop(graceS = 15) {
      killGroup(child.pid, "SIGINT");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const kill = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          killGroup(child.pid, "SIGKILL");
          resolve();
        }, graceS * 1000);
      });
      await Promise.race([status, kill]);
      clearTimeout(timer);
      return await status;
    },
  };
}

/**
 * Poll `url` until it answers 200 and the service's output contains
 * `logged` (when given); throws when the service exits or `timeoutS` passes.
 */
export async function waitForOk(
  url: string,
  service: ShellService,
  timeoutS: number,
  logged?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  let exited: Deno.CommandStatus | null = null;
  service.status.then((s) => (exited = s));
  let last = "no answer";
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `Service exited with code ${
          (exited as Deno.CommandStatus).code
        } before ${url} answered 200:\n${service.output().slice(-3000)}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.status === 200 && (logged === undefined || service.output().includes(logged))) return;
      last = res.status === 200
        ? `200, but no ${logged} in the output yet`
        : `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${url} did not answer 200 within ${timeoutS} s (last: ${last}):\n${
      service.output().slice(-3000)
    }`,
  );
}

/** A port nothing listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Starts a service of this repository (backend, UI, variants) as a child
 * process for end-to-end tests and benchmarks, and stops it. The port is read
 * from the service's own `listening` log line, so there is no race for a
 * pre-picked port.
 */

/** A running service process. */
export interface ServiceProcess {
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

/** Options for {@link startService}. */
export interface StartServiceOptions {
  /** Arguments to `deno`. */
  args: string[];
  env: Record<string, string>;
  /** Working directory. */
  cwd: string;
  /** Name used in error messages ("Backend", "UI"). */
  name: string;
  /** Poll this path until it answers 200 before resolving; null to resolve once listening. */
  readyPath: string | null;
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number;
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

/** Spawn `deno` with `args` and wait until the service listens (and answers `readyPath`). */
export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const { name, env } = options;
  const child = new Deno.Command(Deno.execPath(), {
    args: options.args,
    env,
    cwd: options.cwd,
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
      () => reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${lines.join("\n")}`)),
      timeoutMs,
    );
  });
  const exited = status.then((s) => {
    throw new Error(`${name} exited with code ${s.code} before listening:\n${lines.join("\n")}`);
  });
  try {
    const port = await Promise.race([portFound, timeout, exited]);
    const url = `http://127.0.0.1:${port}`;
    if (options.readyPath !== null) {
      while (true) {
        const res = await Promise.race([fetch(`${url}${options.readyPath}`), timeout, exited]);
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

/**
 * `deno task dev`: the whole stack for local work. Starts the backend
 * (`deno task backend`, port 8000) and the UI (`deno task ui`, port 8501,
 * which builds the islands first), prints both URLs, restarts a service when
 * its source changes, and stops both cleanly on Ctrl-C or SIGTERM.
 *
 * Ports: `BACKEND_PORT` (default 8000) and `UI_PORT` (default 8501).
 * The backend gets an `ADMIN_TOKEN` (yours from the environment, else a
 * random one per run) and the token is printed, so the model admin endpoints
 * work locally. The backend serves `DETECTOR` from your environment, else
 * the temporal detector the UI's first screen (the fleet) is made for
 * ({@link DEV_DETECTOR}); `DETECTOR=isolation_forest deno task dev` serves the
 * forest for the exercises that promote forests through the registry.
 *
 * With `KAFKA_BOOTSTRAP` set (a broker from `deno task kafka`), it also runs the
 * stream scorer (`deno task stream`) with the backend's `DETECTOR`, so the
 * stream flags readings with the detector the UI's fleet view shows, and
 * restarts it with the backend.
 */
import { print, printError } from "./lib/logger.ts";

/** Which service a changed file belongs to. */
export type ServiceName = "backend" | "ui";

/**
 * The services to restart when `path` (relative to the repository root, `/`
 * separators) changes. The UI imports the backend's simulator, detector types
 * and logger, so those restart both.
 */
export function servicesFor(path: string): ServiceName[] {
  const p = path.replace(/^\.\//, "");
  if (!/\.(tsx?|json|css)$/.test(p)) return [];
  if (/(^|\/)(\.tmp|\.artifacts|node_modules)\//.test(p) || /_test\.tsx?$/.test(p)) return [];
  // The island build writes static/build/ through hidden temporary siblings
  // (static/.build-tmp-*, static/.build-old-*): never a reason to restart.
  if (/^frontend\/static\/(build\/|\.)/.test(p) || p.startsWith("frontend/tests/")) return [];
  if (p.startsWith("frontend/")) return ["ui"];
  if (p.startsWith("backend/tests/") || p.startsWith("tools/bench/")) return [];
  if (
    p.startsWith("lib/simulator/") || p === "backend/detector/types.ts" ||
    p === "lib/logger.ts"
  ) {
    return ["backend", "ui"];
  }
  if (p.startsWith("backend/")) return ["backend"];
  if (p === "deno.json") return ["backend", "ui"];
  return [];
}

/** Options for {@link Service}. */
export interface ServiceOptions {
  name: string;
  /** Program and arguments. */
  command: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Signal that stops the service quickly (the backend skips its drain delay on SIGINT). */
  stopSignal?: Deno.Signal;
  /** Send SIGKILL after this long. Default 10 s. */
  killAfterMs?: number;
  /** Called with each output line (default: print it with a `[name]` prefix). */
  onLine?: (line: string) => void;
}

/** A child process that can be (re)started and stopped. */
export class Service {
  readonly options: ServiceOptions;
  #child: Deno.ChildProcess | null = null;
  #exited: Promise<Deno.CommandStatus> | null = null;
  #stopping = false;

  /** Describe the service; nothing starts until {@link Service.start}. */
  constructor(options: ServiceOptions) {
    this.options = options;
  }

  /** Whether the process is running. */
  get running(): boolean {
    return this.#child !== null;
  }

  /** The running process id, or null. */
  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Spawn the process and forward its output line by line. */
  start(): void {
    if (this.#child) return;
    const [cmd, ...args] = this.options.command;
    const child = new Deno.Command(cmd, {
      args,
      ...(this.options.env ? { env: this.options.env } : {}),
      ...(this.options.cwd ? { cwd: this.options.cwd } : {}),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#stopping = false;
    const onLine = this.options.onLine ?? ((l: string) => print(`[${this.options.name}] ${l}`));
    const pumps = Promise.all([pump(child.stdout, onLine), pump(child.stderr, onLine)]);
    this.#exited = child.status.then(async (status) => {
      await pumps;
      if (this.#child === child) this.#child = null;
      if (!this.#stopping) {
        printError(
          `[dev] ${this.options.name} exited with code ${status.code}; it restarts on the next source change`,
        );
      }
      return status;
    });
  }

  /** Stop the process (its stop signal, then SIGKILL after the deadline); resolves when it exited. */
  async stop(): Promise<Deno.CommandStatus | null> {
    const child = this.#child;
    const exited = this.#exited;
    if (!child || !exited) return null;
    this.#stopping = true;
    try {
      child.kill(this.options.stopSignal ?? "SIGTERM");
    } catch {
      // already gone
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((
      r,
    ) => (timer = setTimeout(r, this.options.killAfterMs ?? 10_000)));
    const first = await Promise.race([exited, deadline]);
    clearTimeout(timer);
    if (!first) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    return await exited;
  }

  /** Stop, then start again. */
  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }
}

async function pump(stream: ReadableStream<Uint8Array>, onLine: (l: string) => void) {
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    const lines = rest.split("\n");
    rest = lines.pop()!;
    for (const line of lines) onLine(line);
  }
  if (rest) onLine(rest);
}

/** The detector `deno task dev` serves unless `DETECTOR` is set: the one the fleet view needs. */
export const DEV_DETECTOR = "temporal_window";

/** The backend's `DETECTOR`: yours from the environment, else {@link DEV_DETECTOR}. */
export function devDetector(env: string | undefined): string {
  return env && env.trim() !== "" ? env.trim() : DEV_DETECTOR;
}

/**
 * The stream scorer's environment in the dev stack, or null without a broker (`KAFKA_BOOTSTRAP`
 * unset). The scorer loads its model as a backend with the same environment would, so the
 * backend's `DETECTOR` gives the stream the very detector the backend (and the fleet view) uses.
 */
export function devStreamEnv(
  bootstrap: string | undefined,
  detector: string,
): Record<string, string> | null {
  const value = bootstrap?.trim();
  return value ? { KAFKA_BOOTSTRAP: value, DETECTOR: detector } : null;
}

/** The admin token for the backend: `ADMIN_TOKEN` from the environment, else a random one. */
export function devAdminToken(env: string | undefined): string {
  if (env && env.trim() !== "") return env.trim();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dev-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function port(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    printError(`${name} must be a port number, got "${raw}"`);
    Deno.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const root = new URL(".", import.meta.url).pathname;
  const backendPort = port("BACKEND_PORT", 8000);
  const uiPort = port("UI_PORT", 8501);
  const deno = Deno.execPath();
  const adminToken = devAdminToken(Deno.env.get("ADMIN_TOKEN"));
  const detector = devDetector(Deno.env.get("DETECTOR"));
  const streamEnv = devStreamEnv(Deno.env.get("KAFKA_BOOTSTRAP"), detector);
  const stream = streamEnv === null ? null : new Service({
    name: "stream",
    command: [deno, "task", "stream"],
    cwd: root,
    env: streamEnv,
    stopSignal: "SIGINT",
  });
  const services: Record<ServiceName, Service> = {
    backend: new Service({
      name: "backend",
      command: [deno, "task", "backend"],
      cwd: root,
      // Nobody routes traffic to a laptop: no drain delay on restart.
      env: {
        PORT: String(backendPort),
        DRAIN_DELAY_S: "0",
        ADMIN_TOKEN: adminToken,
        DETECTOR: detector,
      },
      stopSignal: "SIGINT",
    }),
    ui: new Service({
      name: "ui",
      command: [deno, "task", "ui"],
      cwd: root,
      env: { PORT: String(uiPort), BACKEND_URL: `http://localhost:${backendPort}` },
      // SIGINT skips the UI's drain delay too.
      stopSignal: "SIGINT",
    }),
  };

  print(`[dev] backend  http://localhost:${backendPort}  (API docs: /docs, metrics: /metrics)`);
  print(`[dev] UI       http://localhost:${uiPort}`);
  print(`[dev] detector DETECTOR=${detector}  (the fleet view needs temporal_window)`);
  print(`[dev] admin    ADMIN_TOKEN=${adminToken}  (PUT /models/aliases/..., see docs/MLOPS.md)`);
  if (streamEnv !== null) {
    print(`[dev] stream   deno task stream on ${streamEnv.KAFKA_BOOTSTRAP}, DETECTOR=${detector}`);
  }
  print("[dev] watching backend/ and frontend/; Ctrl-C stops both");
  services.backend.start();
  services.ui.start();
  stream?.start();

  const watcher = Deno.watchFs([`${root}backend`, `${root}frontend`], { recursive: true });
  let pending = new Set<ServiceName>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let restarting = Promise.resolve();
  let stopping = false;

  const stopAll = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    print(`[dev] ${signal}: stopping backend and UI`);
    clearTimeout(timer);
    watcher.close();
    // Ctrl-C reaches the children too (same process group): stop them at
    // once so their exit is not reported as a crash, then once more in case
    // a restart was under way.
    const all = [services.backend, services.ui, ...(stream === null ? [] : [stream])];
    const stops = all.map((s) => s.stop());
    await restarting;
    await Promise.all(stops);
    await Promise.all(all.map((s) => s.stop()));
    print("[dev] stopped");
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => stopAll("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stopAll("SIGTERM"));

  for await (const event of watcher) {
    if (event.kind === "access") continue;
    for (const path of event.paths) {
      const rel = path.startsWith(root) ? path.slice(root.length) : path;
      for (const s of servicesFor(rel)) pending.add(s);
    }
    if (pending.size === 0) continue;
    clearTimeout(timer);
    // Editors write in bursts (temp file, rename): wait for quiet.
    timer = setTimeout(() => {
      const names = [...pending];
      pending = new Set();
      restarting = restarting.then(async () => {
        if (stopping) return;
        print(`[dev] change detected: restarting ${names.join(" and ")}`);
        // The scorer runs the backend's code (detector, model loading): restarted with it.
        const restarts = names.map((n) => services[n].restart());
        if (stream !== null && names.includes("backend")) restarts.push(stream.restart());
        await Promise.all(restarts);
      });
    }, 300);
  }
}

if (import.meta.main) await main();

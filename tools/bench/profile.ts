/**
 * `deno task bench:profile`: where the request path's CPU goes. Starts the
 * backend (WORKERS=1, so the one isolate serves) with the V8 inspector on a
 * loopback port, samples it with the inspector's CPU profiler while wrk posts
 * one batch per request to `/predict`, and prints the functions with the most
 * self time (share of all samples, idle excluded) per batch size.
 *
 * Flags: `--batch N` (repeatable, default 1 and 64), `--duration S` (default
 * 5), `--top N` (default 15), `--json` (print the tables as JSON). The
 * figures feed docs/PERFORMANCE.md's "profile" part of `deno task bench`.
 */
import { parseArgs } from "node:util";
import { print, printError } from "../../lib/logger.ts";
import { REPO_ROOT, taskArgs } from "../../testing/backend_process.ts";
import { startService } from "../../testing/service_process.ts";
import { type ProfileRow, topSelfTime, type V8CpuProfile } from "./profile_report.ts";
import { wrk } from "./bench.ts";

/** A minimal Chrome DevTools Protocol session over the inspector's WebSocket. */
class Inspector {
  #nextId = 1;
  #pending = new Map<number, (result: unknown) => void>();

  private constructor(private socket: WebSocket) {
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data));
      const resolve = this.#pending.get(message.id);
      if (resolve) {
        this.#pending.delete(message.id);
        resolve(message.result ?? { error: message.error });
      }
    };
  }

  static async connect(port: number): Promise<Inspector> {
    const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    return new Inspector(socket);
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    const reply = new Promise<T>((resolve) => this.#pending.set(id, resolve as (r: unknown) => void));
    this.socket.send(JSON.stringify({ id, method, params }));
    return reply;
  }

  close(): void {
    this.socket.close();
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Profile the backend under wrk at each batch size; rows per batch. */
export async function profileBackend(
  batches: number[],
  seconds: number,
  top: number,
): Promise<Map<number, ProfileRow[]>> {
  const inspectPort = freePort();
  const [run, ...rest] = taskArgs("backend/main.ts");
  const modelDir = await Deno.makeTempDir({ prefix: "gridguard-profile-" });
  const dir = await Deno.makeTempDir({ prefix: "gridguard-profile-wrk-" });
  const backend = await startService({
    name: "Backend",
    args: [run, `--inspect=127.0.0.1:${inspectPort}`, ...rest],
    cwd: REPO_ROOT,
    env: {
      PORT: "0",
      HOST: "127.0.0.1",
      MODEL_DIR: modelDir,
      LOG_LEVEL: "info",
      DRAIN_DELAY_S: "0",
      WORKERS: "1",
    },
    readyPath: "/ready",
  });
  const inspector = await Inspector.connect(inspectPort);
  const tables = new Map<number, ProfileRow[]>();
  try {
    await inspector.send("Profiler.enable");
    await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
    for (const batch of batches) {
      printError(`bench:profile: batch ${batch}, wrk ${seconds} s`);
      await inspector.send("Profiler.start");
      await wrk(backend.url, backend.pid, batch, seconds, dir);
      const { profile } = await inspector.send<{ profile: V8CpuProfile }>("Profiler.stop");
      tables.set(batch, topSelfTime(profile, top, REPO_ROOT));
    }
  } finally {
    inspector.close();
    await backend.stop("SIGTERM");
    await Deno.remove(modelDir, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  }
  return tables;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      batch: { type: "string", multiple: true, default: ["1", "64"] },
      duration: { type: "string", default: "5" },
      top: { type: "string", default: "15" },
      json: { type: "boolean", default: false },
    },
  });
  const tables = await profileBackend(
    values.batch.map(Number),
    Number(values.duration),
    Number(values.top),
  );
  if (values.json) {
    print(JSON.stringify(Object.fromEntries(tables), null, 2));
  } else {
    for (const [batch, rows] of tables) {
      print(`\nbatch ${batch}: self time, share of busy samples`);
      for (const r of rows) print(`${r.percent.toFixed(1).padStart(5)} %  ${r.name}  ${r.where}`);
    }
  }
}

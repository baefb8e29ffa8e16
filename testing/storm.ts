/**
 * Hostile-client storms for tests and benchmarks, on 127.0.0.1 only: one
 * connection sending a valid body as one-byte chunks while a prober in a
 * process of its own (as the kubelet is) asks `/health` every 200 ms on a
 * fresh connection; plus the containers' memory limits from the manifests,
 * so tests compare peak RSS with the figure Kubernetes enforces.
 */
import { oneByteChunks, readResponse, writeAll } from "./raw_socket.ts";

/** Where the probing and the storm ran, for the report. */
export interface ProbeWaits {
  /** Milliseconds each probe waited for its answer (failures included, at their timeout). */
  waits: number[];
  /** Probes not answered 200 in time. */
  failed: number;
}

/** How long a probe waits before it counts as failed: the manifests' `timeoutSeconds`. */
export const PROBE_TIMEOUT_MS = 2_000;

/** The prober, run with `deno eval`: one GET per period on a fresh connection, one line per answer. */
const PROBER = `
const [url, period, timeout] = [Deno.args[0], Number(Deno.args[1]), Number(Deno.args[2])];
let stop = false;
(async () => { for await (const _ of Deno.stdin.readable) {} stop = true; })();
while (!stop) {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  const t0 = performance.now();
  let ok = false;
  try {
    const res = await fetch(url, { client, signal: AbortSignal.timeout(timeout) });
    await res.arrayBuffer();
    ok = res.status === 200;
  } catch {}
  client.close();
  console.log(JSON.stringify([performance.now() - t0, ok]));
  await new Promise((r) => setTimeout(r, period));
}
`;

/** A prober running in its own process; `stop()` ends it and returns what it saw. */
export interface Prober {
  stop(): Promise<ProbeWaits>;
}

/** Start probing `url` every `periodMs` (default 200) from a separate process. */
export async function startProber(url: string, periodMs = 200): Promise<Prober> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", PROBER, url, String(periodMs), String(PROBE_TIMEOUT_MS)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  // The first probe starts a runtime and a client: let it pass before the storm begins.
  await new Promise((r) => setTimeout(r, 500));
  return {
    async stop() {
      await child.stdin.close();
      const out = new TextDecoder().decode((await child.output()).stdout);
      const lines = out.split("\n").filter((l) => l !== "").map((l) =>
        JSON.parse(l) as [number, boolean]
      );
      return { waits: lines.map(([ms]) => ms), failed: lines.filter(([, ok]) => !ok).length };
    },
  };
}

/** The `q` quantile (0–1) of `values`, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? sorted[0];
}

/** The outcome of one chunk storm. */
export interface StormResult {
  status: number;
  body: string;
  /** From the first byte written to the response read. */
  seconds: number;
}

/**
 * Send `json` to `path` on 127.0.0.1:`port` as `chunks` one-byte chunks of
 * whitespace before it (valid JSON all along), and read the answer.
 */
export async function chunkStorm(
  port: number,
  path: string,
  chunks: number,
  json: string,
): Promise<StormResult> {
  const head = new TextEncoder().encode(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
  );
  const body = oneByteChunks(chunks, " ", json);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const started = performance.now();
  try {
    // The server may answer (408) and close while bytes are still being written.
    const writing = writeAll(conn, head).then(() => writeAll(conn, body)).catch(() => {});
    const res = await readResponse(conn);
    const seconds = (performance.now() - started) / 1000;
    await writing;
    return { status: res.status, body: res.body, seconds };
  } finally {
    try {
      conn.close();
    } catch {
      // already closed by the server
    }
  }
}

/** Deployments whose containers' limits the tests hold the processes to. */
export type Deployment = "backend" | "ui";

/** The memory limit in bytes of `deployment`'s container in `k8s/base`. */
export function memoryLimitBytes(deployment: Deployment): number {
  const path = new URL(`../k8s/base/${deployment}-deployment.yaml`, import.meta.url);
  const text = Deno.readTextFileSync(path);
  // The first `memory:` after `limits:` (a Deployment of one container); no YAML parser needed.
  const m = /\n\s+limits:\s*\n(?:\s+[\w-]+:.*\n)*?\s+memory:\s*"?(\d+)(Mi|Gi)"?/.exec(text);
  if (!m) throw new Error(`No memory limit in Mi or Gi in ${deployment}-deployment.yaml`);
  return Number(m[1]) * (m[2] === "Gi" ? 2 ** 30 : 2 ** 20);
}

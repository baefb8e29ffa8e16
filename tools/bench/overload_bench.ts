/**
 * Overload with maximum-size bodies (issue 10, item 5): C clients post a
 * `/predict` body of `--readings` readings (padded to `--bytes` when given)
 * at once, while a probe asks `/health` every 100 ms on a fresh connection,
 * as the kubelet does. Prints the statuses, the backend's peak RSS growth
 * (VmHWM over the RSS before) and the slowest `/health`.
 *
 *   deno run -A tools/bench/overload_bench.ts --connections 200 --readings 5000
 *   deno run -A tools/bench/overload_bench.ts --connections 1000 --bytes 1048576
 *
 * Extra backend environment: `--env NAME=VALUE` (repeatable).
 */
import { parseArgs } from "node:util";
import { print } from "../../lib/logger.ts";
import { predictBodies } from "../../loadtest/payload.ts";
import { startBackend } from "../../testing/backend_process.ts";
import { processMemory } from "../../testing/raw_socket.ts";

/** Probes /health on a fresh connection every 100 ms until stdin closes; prints [ms, ok] lines. */
const PROBE = `
const url = Deno.args[0];
let stop = false;
(async () => { for await (const _ of Deno.stdin.readable) {} stop = true; })();
while (!stop) {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  const t0 = performance.now();
  let ok = false;
  try {
    const res = await fetch(url, { client, signal: AbortSignal.timeout(10000) });
    await res.arrayBuffer();
    ok = res.status === 200;
  } catch {}
  client.close();
  console.log(JSON.stringify([Math.round(performance.now() - t0), ok]));
  await new Promise((r) => setTimeout(r, 100));
}
`;

/** Result of one overload run. */
export interface OverloadResult {
  statuses: Record<string, number>;
  peakGrowthMiB: number;
  baselineMiB: number;
  healthMaxMs: number;
  healthFailures: number;
  seconds: number;
}

/** A `/predict` body of `readings` readings, padded with an ignored key up to `bytes` when given. */
export function overloadBody(readings: number, bytes?: number): Uint8Array {
  let text = predictBodies(1, readings)[0];
  if (bytes !== undefined && text.length < bytes) {
    const pad = bytes - text.length - `,"pad":""`.length;
    if (pad > 0) text = `${text.slice(0, -1)},"pad":"${"x".repeat(pad)}"}`;
  }
  return new TextEncoder().encode(text);
}

/** Run `connections` simultaneous posts of `body` against a fresh backend with `env`. */
export async function overload(
  connections: number,
  body: Uint8Array,
  env: Record<string, string> = {},
): Promise<OverloadResult> {
  const backend = await startBackend({ env, timeoutMs: 60_000 });
  try {
    const baseline = processMemory(backend.pid)?.rss ?? 0;
    // The probe runs in its own process, like the kubelet: the storm's client must not slow it.
    const probe = new Deno.Command(Deno.execPath(), {
      args: ["eval", PROBE, `${backend.url}/health`],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    const statuses: Record<string, number> = {};
    const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
    await Promise.all(Array.from({ length: connections }, async () => {
      let key: string;
      try {
        const res = await fetch(`${backend.url}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          client,
          signal: AbortSignal.timeout(60_000),
        } as RequestInit);
        await res.arrayBuffer();
        key = String(res.status);
      } catch (err) {
        key = (err as Error).name;
      }
      statuses[key] = (statuses[key] ?? 0) + 1;
    }));
    const seconds = (performance.now() - started) / 1000;
    client.close();
    await probe.stdin.close();
    const lines = new TextDecoder().decode((await probe.output()).stdout).trim().split("\n");
    const probes = lines.filter((l) => l !== "").map((l) => JSON.parse(l) as [number, boolean]);
    const healthMaxMs = Math.max(0, ...probes.map(([ms]) => ms));
    const healthFailures = probes.filter(([, ok]) => !ok).length;
    const peak = processMemory(backend.pid)?.peak ?? 0;
    return {
      statuses,
      peakGrowthMiB: (peak - baseline) / 2 ** 20,
      baselineMiB: baseline / 2 ** 20,
      healthMaxMs,
      healthFailures,
      seconds,
    };
  } finally {
    await backend.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      connections: { type: "string", default: "200" },
      readings: { type: "string", default: "5000" },
      bytes: { type: "string" },
      env: { type: "string", multiple: true, default: [] },
    },
  });
  const env = Object.fromEntries(
    (values.env as string[]).map((
      kv,
    ) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
  const body = overloadBody(
    Number(values.readings),
    values.bytes ? Number(values.bytes) : undefined,
  );
  const r = await overload(Number(values.connections), body, env);
  print(
    `${values.connections} connections x ${body.length} bytes (${values.readings} readings): ` +
      `statuses ${JSON.stringify(r.statuses)} in ${r.seconds.toFixed(1)} s; RSS ${
        r.baselineMiB.toFixed(0)
      } MiB before, peak +${r.peakGrowthMiB.toFixed(0)} MiB; slowest /health ${
        r.healthMaxMs.toFixed(0)
      } ms, ${r.healthFailures} failed`,
  );
}

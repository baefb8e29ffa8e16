/**
 * Overload with maximum-size bodies: C
 * clients post a `/predict` body of `--readings` readings (padded to
 * `--bytes` when given) at once, while probers in processes of their own ask
 * `/health` every 200 ms on a fresh connection, as the kubelet does: one on
 * the serving port, one on the probe listener (PROBE_PORT). Prints the
 * statuses, the backend's peak RSS (VmHWM) and growth, and each port's
 * probe waits (p99, max, failures).
 *
 *   deno run -A tools/bench/overload_bench.ts --connections 200 --readings 5000
 *   deno run -A tools/bench/overload_bench.ts --connections 1000 --bytes 1048576
 *
 * Extra backend environment: `--env NAME=VALUE` (repeatable).
 */
import { benchArgs } from "./_args.ts";
import { print } from "../../lib/logger.ts";
import { predictBodies } from "../../loadtest/payload.ts";
import { startBackend } from "../../testing/backend_process.ts";
import { processMemory } from "../../testing/raw_socket.ts";
import { type ProbeWaits, quantile, startProber } from "../../testing/storm.ts";
import type { ServiceProcess } from "../../testing/service_process.ts";

/** Probe waits on the serving port and on the probe listener. */
export interface ProbeReport {
  serving: ProbeWaits;
  listener: ProbeWaits;
}

/** Result of one overload run. */
export interface OverloadResult {
  statuses: Record<string, number>;
  peakMiB: number;
  peakGrowthMiB: number;
  baselineMiB: number;
  probes: ProbeReport;
  seconds: number;
}

/** The probe listener's port from a backend's `listening` log line. */
export function probePortOf(backend: ServiceProcess): number {
  for (const line of backend.logs()) {
    if (!line.includes('"listening"')) continue;
    const port = (JSON.parse(line) as { probe_port?: number }).probe_port;
    if (port !== undefined) return port;
  }
  throw new Error("The backend logged no probe_port: start it with PROBE_PORT");
}

/** Probe both ports of `backend` until `work` ends; returns its result and the probe waits. */
export async function probed<T>(
  backend: ServiceProcess,
  work: () => Promise<T>,
): Promise<{ result: T; probes: ProbeReport }> {
  const serving = await startProber(`${backend.url}/health`);
  const listener = await startProber(`http://127.0.0.1:${probePortOf(backend)}/health`);
  try {
    return { result: await work(), probes: await stopBoth() };
  } catch (err) {
    await stopBoth();
    throw err;
  }
  function stopBoth() {
    return Promise.all([serving.stop(), listener.stop()]).then(([s, l]) => ({
      serving: s,
      listener: l,
    }));
  }
}

/** One line on probe waits: p99, max and failures on each port. */
export function describeProbes(probes: ProbeReport): string {
  const one = (p: ProbeWaits) =>
    `p99 ${quantile(p.waits, 0.99).toFixed(0)} ms, max ${
      Math.max(0, ...p.waits).toFixed(0)
    } ms, ${p.failed}/${p.waits.length} failed`;
  return `/health on the serving port: ${one(probes.serving)}; on PROBE_PORT: ${
    one(probes.listener)
  }`;
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
  const backend = await startBackend({ env: { PROBE_PORT: "0", ...env }, timeoutMs: 60_000 });
  try {
    const baseline = processMemory(backend.pid)?.rss ?? 0;
    const started = performance.now();
    const statuses: Record<string, number> = {};
    const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
    const { probes } = await probed(backend, async () => {
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
    });
    const seconds = (performance.now() - started) / 1000;
    client.close();
    const peak = processMemory(backend.pid)?.peak ?? 0;
    return {
      statuses,
      peakMiB: peak / 2 ** 20,
      peakGrowthMiB: (peak - baseline) / 2 ** 20,
      baselineMiB: baseline / 2 ** 20,
      probes,
      seconds,
    };
  } finally {
    await backend.stop();
  }
}

if (import.meta.main) {
  const values = benchArgs("overload_bench", Deno.args, {
    connections: { type: "string", default: "200" },
    readings: { type: "string", default: "5000" },
    bytes: { type: "string" },
    env: { type: "string", multiple: true, default: [] },
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
      } MiB before, peak ${r.peakMiB.toFixed(0)} MiB (+${r.peakGrowthMiB.toFixed(0)}); ${
        describeProbes(r.probes)
      }`,
  );
}

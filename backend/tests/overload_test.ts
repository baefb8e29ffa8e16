/**
 * Issue 10, item 5: many concurrent maximum-size bodies are shed early with
 * 503 + Retry-After (MAX_BODY_BYTES_IN_FLIGHT), memory stays bounded, and
 * `/health` keeps answering while they are in flight. Timings are printed by
 * `tools/bench/overload_bench.ts`, not asserted here.
 */
import assert from "node:assert/strict";
import { overloadBody } from "../../tools/bench/overload_bench.ts";
import { startBackend } from "../../testing/backend_process.ts";
import { processMemory } from "../../testing/raw_socket.ts";
import { memoryLimitBytes } from "../../testing/storm.ts";

const MiB = 2 ** 20;

Deno.test({
  name:
    "300 concurrent 1 MiB bodies: answered 200 or 503 + Retry-After, peak RSS under 3/4 of the container limit, /health answers",
  ignore: processMemory(Deno.pid) === null,
  async fn() {
    const backend = await startBackend();
    const body = overloadBody(5_000, MiB);
    const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
    try {
      const before = processMemory(backend.pid)!.rss;
      let storming = true;
      const health: number[] = [];
      const probe = (async () => {
        while (storming) {
          // A hang, not slowness, is the failure: the bound only keeps the test from stalling.
          const res = await fetch(`${backend.url}/health`, { signal: AbortSignal.timeout(15_000) });
          health.push(res.status);
          await res.body?.cancel();
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const statuses = await Promise.all(Array.from({ length: 300 }, async () => {
        const res = await fetch(`${backend.url}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          client,
        } as RequestInit);
        const text = await res.text();
        if (res.status === 503) {
          assert.equal(res.headers.get("retry-after"), "1");
          assert.match(JSON.parse(text).detail, /MAX_BODY_BYTES_IN_FLIGHT|MAX_INFLIGHT/);
        }
        return res.status;
      }));
      storming = false;
      await probe;
      const counts = Object.groupBy(statuses, (s) => String(s));
      assert.deepEqual(Object.keys(counts).sort(), ["200", "503"], JSON.stringify(statuses));
      assert.ok(health.length > 0 && health.every((s) => s === 200), `health ${health}`);
      const peak = processMemory(backend.pid)!.peak;
      const growth = peak - before;
      assert.ok(growth < 300 * MiB, `peak RSS grew by ${(growth / MiB).toFixed(0)} MiB`);
      // The figure Kubernetes enforces (k8s/base), with a quarter to spare.
      const limit = memoryLimitBytes("backend");
      assert.ok(
        peak < limit * 0.75,
        `peak RSS ${(peak / MiB).toFixed(0)} MiB of a ${limit / MiB} MiB limit`,
      );
    } finally {
      client.close();
      await backend.stop();
    }
  },
});

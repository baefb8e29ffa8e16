/**
 * Why the guide's port-forward does not spread load: with two ready backend
 * pods, `deno task load --no-keepalive` through the guide's
 * `kubectl port-forward svc/anomaly-backend` is answered by one pod only (the
 * forward picks a pod when it starts and tunnels every connection to it),
 * while the same load against the Service's ClusterIP reaches both (kube-proxy
 * picks a pod per connection).
 */
import assert from "node:assert/strict";
import { KUBECONFIG, log, run, track, waitFor } from "../cluster.ts";
import { serviceUrls } from "../kube.ts";
import { LIVE_GUIDE_COMMANDS as GUIDE } from "../guide_live.ts";
import type { Scenario } from "../scenario.ts";
import { twoReplicas } from "./_replicas.ts";

/** The guide's command, as written in docs/WORKSHOP_GUIDE.md steps 4 and 5. */
const PORT_FORWARD = GUIDE.portForward;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** `deno task load --json` for 10 s at 30 req/s; the number of pods that answered. */
async function servedBy(url: string): Promise<Record<string, number>> {
  const r = await run("deno", [
    "task",
    "load",
    "--url",
    url,
    "--rps",
    "30",
    "--duration",
    "10",
    "--batch-size",
    "64",
    "--workers",
    "16",
    "--no-keepalive",
    "--json",
  ], { timeoutS: 60 });
  assert.equal(r.code, 0, `deno task load failed: ${r.stderr.slice(-2000)}`);
  const report = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
  return report.served_by;
}

/** The port-forward pinning scenario. */
export const portForward: Scenario = {
  name: "port-forward",
  description: "port-forward reaches one pod; the ClusterIP spreads over every pod",
  async run(ctx) {
    const fig = ctx.section("port_forward");
    await twoReplicas();
    const port = freePort();
    const command = PORT_FORWARD.replace("8000:8000", `${port}:8000`);
    const started = performance.now();
    const child = track(
      new Deno.Command("bash", {
        args: ["-c", `exec ${command}`],
        env: { KUBECONFIG },
        stdout: "piped",
        stderr: "piped",
      }).spawn(),
    );
    try {
      await waitFor("the port-forward to answer", 30, async () => {
        const res = await fetch(`http://127.0.0.1:${port}/ready`, {
          signal: AbortSignal.timeout(2000),
        });
        await res.body?.cancel();
        return res.status === 200;
      }, 500);
      const viaForward = await servedBy(`http://127.0.0.1:${port}`);
      const viaClusterIp = await servedBy((await serviceUrls()).backend);
      fig.instances = Object.keys(viaForward).length;
      fig.cluster_ip_instances = Object.keys(viaClusterIp).length;
      fig.served_by_forward = viaForward;
      fig.served_by_cluster_ip = viaClusterIp;
      log(`port-forward: ${fig.instances} pod(s); ClusterIP: ${fig.cluster_ip_instances} pod(s)`);
      assert.equal(fig.instances, 1, "every request through the port-forward hits one pod");
      assert.equal(fig.cluster_ip_instances, 2, "the ClusterIP spreads requests over both pods");
    } finally {
      child.kill("SIGTERM");
      await child.output();
      ctx.report.guide_commands.push({
        command: PORT_FORWARD,
        code: 0,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      });
    }
  },
};

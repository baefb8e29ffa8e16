/**
 * Rolling update and voluntary disruption under constant load: with two
 * backend pods and k6 at 40 requests/s through the ClusterIP,
 * `kubectl rollout restart` replaces both pods (maxUnavailable 0, maxSurge 1,
 * the in-app drain), then an eviction of one pod is admitted and an immediate
 * second one is refused by the PodDisruptionBudget (maxUnavailable 1). Not a
 * single request may fail (`rollout.failed` = 0).
 */
import assert from "node:assert/strict";
import { kc, kubectl, log } from "../cluster.ts";
import { assertNoneFailed, loadFigures, startK6 } from "../k6.ts";
import { NS, serviceUrls } from "../kube.ts";
import { type Scenario, since } from "../scenario.ts";
import { twoReadyPods, twoReplicas } from "./_replicas.ts";

/** Ask the eviction API to evict `pod`; the HTTP outcome as kubectl reports it. */
async function evict(pod: string): Promise<{ admitted: boolean; message: string }> {
  const body = JSON.stringify({
    apiVersion: "policy/v1",
    kind: "Eviction",
    metadata: { name: pod, namespace: NS },
  });
  const r = await kubectl(
    ["create", "--raw", `/api/v1/namespaces/${NS}/pods/${pod}/eviction`, "-f", "-"],
    { stdin: body },
  );
  return { admitted: r.code === 0, message: (r.stderr || r.stdout).trim() };
}

/** The rollout + PDB scenario. */
export const rollout: Scenario = {
  name: "rollout",
  description: "rollout restart and PDB-guarded evictions under load: zero failed requests",
  async run(ctx) {
    const fig = ctx.section("rollout");
    const pdb = ctx.section("pdb");
    await twoReplicas();
    const before = await twoReadyPods();
    const urls = await serviceUrls();
    const k6 = await startK6({ baseUrl: urls.backend, rate: 40, durationS: 50, vus: 20 });
    await new Promise((r) => setTimeout(r, 8000));

    const t0 = performance.now();
    await kc(["-n", NS, "rollout", "restart", "deploy/anomaly-backend"]);
    await kc(["-n", NS, "rollout", "status", "deploy/anomaly-backend", "--timeout=180s"], {
      timeoutS: 190,
    });
    fig.seconds = since(t0);
    const after = await twoReadyPods();
    assert.ok(after.every((p) => !before.includes(p)), "every backend pod was replaced");
    log(`rollout restart done in ${fig.seconds} s`);

    // PDB: maxUnavailable 1 admits one eviction and refuses the next while the first drains.
    const first = await evict(after[0]);
    const second = await evict(after[1]);
    pdb.first_eviction_admitted = first.admitted;
    pdb.second_eviction_status = second.admitted ? "admitted" : "refused";
    pdb.second_eviction_message = second.message.split("\n")[0];
    assert.ok(first.admitted, `the first eviction is admitted: ${first.message}`);
    assert.ok(!second.admitted, "the PDB refuses a second eviction while one pod is down");
    assert.match(second.message, /disruption budget/i);
    await twoReadyPods();

    const result = await k6.done;
    Object.assign(fig, { rate: 40, ...loadFigures(result) });
    assertNoneFailed(result);
  },
};

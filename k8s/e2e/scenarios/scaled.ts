/**
 * `scaled`: the exercise tier applied with the guide's command reaches its
 * minimum (3 backend pods with WORKERS=2, 3 UI pods) with nothing Pending,
 * and leaves CPU requests free on the node for scale-out. Reports how many
 * more backend pods fit and how many CPUs the HPA maximum needs.
 */
import assert from "node:assert/strict";
import { getJson, waitFor } from "../cluster.ts";
import { BACKEND, guideCommand, NS, pods, UI } from "../kube.ts";
import { LIVE_GUIDE_COMMANDS as GUIDE } from "../guide_live.ts";
import type { Scenario } from "../scenario.ts";
import { cpuCores } from "../../tests/_policies.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const milli = (q: string | undefined) => Math.round((cpuCores(q) ?? 0) * 1000);

/** The scaled-tier scenario. */
export const scaled: Scenario = {
  name: "scaled",
  description: "scaled overlay reaches its minimum and leaves room for scale-out",
  async run(ctx) {
    const fig = ctx.section("scaled");
    await guideCommand(ctx.report, GUIDE.applyScaled);
    const hpa = await getJson(["-n", NS, "get", "hpa", "anomaly-backend"]);
    assert.equal(hpa.spec.minReplicas, 3);
    assert.equal(hpa.spec.maxReplicas, 10);
    await waitFor("3 backend and 3 UI pods ready, none Pending", 300, async () => {
      const backend = (await pods(BACKEND)).filter((p) => !p.deleting);
      const ui = (await pods(UI)).filter((p) => !p.deleting);
      const deploy = await getJson(["-n", NS, "get", "deploy", "anomaly-backend"]);
      return deploy.status.updatedReplicas === deploy.spec.replicas &&
        backend.length >= 3 && backend.every((p) => p.ready) &&
        ui.length === 3 && ui.every((p) => p.ready);
    }, 2000);
    // Pods of the earlier tiers still terminating hold their requests until they are gone.
    await waitFor("the earlier tiers' pods to be gone", 120, async () => {
      // Finished pods (a Job's) hold no requests; only running tiers count.
      const all = (await getJson(["-n", NS, "get", "pods"])).items.filter((p: Any) =>
        !["Succeeded", "Failed"].includes(p.status.phase)
      );
      return all.every((p: Any) => !p.metadata.deletionTimestamp) && all.length === 6;
    }, 2000);
    const pending =
      (await getJson(["-n", NS, "get", "pods", "--field-selector=status.phase=Pending"]))
        .items.length;
    assert.equal(pending, 0, "no pod is Pending");
    const readyBackend = (await pods(BACKEND)).filter((p) => p.ready && !p.deleting).length;
    fig.ready_backend = readyBackend;

    // CPU requests on the node against what it can allocate.
    const node = (await getJson(["get", "nodes"])).items[0];
    const allocatable = milli(node.status.allocatable.cpu);
    const all = (await getJson(["get", "pods", "-A"])).items.filter((p: Any) =>
      !["Succeeded", "Failed"].includes(p.status.phase)
    );
    const requested = all.reduce(
      (sum: number, p: Any) =>
        sum +
        p.spec.containers.reduce((s: number, c: Any) => s + milli(c.resources?.requests?.cpu), 0),
      0,
    );
    const deploy = await getJson(["-n", NS, "get", "deploy", "anomaly-backend"]);
    const backendRequest = milli(deploy.spec.template.spec.containers[0].resources.requests.cpu);
    const others = requested - readyBackend * backendRequest;
    Object.assign(fig, {
      node_allocatable_cpu_m: allocatable,
      requested_cpu_m: requested,
      free_cpu_m: allocatable - requested,
      backend_request_m: backendRequest,
      room_for_backend_pods: Math.floor((allocatable - requested) / backendRequest),
      cpus_for_max_replicas: Math.round((others + 10 * backendRequest) / 100) / 10,
    });
    assert.ok(
      (fig.room_for_backend_pods as number) >= 2,
      `only ${fig.room_for_backend_pods} more backend pods fit (want >= 2: a surge pod and a scale-out)`,
    );
  },
};

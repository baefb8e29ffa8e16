/**
 * A backend pod deleted under load (`kubectl delete pod`): what clients see
 * (failed requests, p99 of the worst window) and how long until two pods are
 * ready again. Deletion is graceful: the pod leaves the endpoints, the app
 * drains (DRAIN_DELAY_S), and the ReplicaSet starts a replacement at once.
 */
import assert from "node:assert/strict";
import { kc } from "../cluster.ts";
import { assertNoneFailed, loadFigures, startK6 } from "../k6.ts";
import { BACKEND, guideCommand, NS, pods, serviceUrls } from "../kube.ts";
import { LIVE_GUIDE_COMMANDS as GUIDE } from "../guide_live.ts";
import { type Scenario, since } from "../scenario.ts";
import { twoReadyPods, twoReplicas } from "./_replicas.ts";

/** Seconds within which two pods must be ready again. */
export const RECOVERY_LIMIT_S = 60;

/** The pod-kill scenario. */
export const podKill: Scenario = {
  name: "pod-kill",
  description:
    `kubectl delete pod under load: clients see no errors, recovered within ${RECOVERY_LIMIT_S} s`,
  async run(ctx) {
    const fig = ctx.section("pod_kill");
    await twoReplicas();
    const urls = await serviceUrls();
    const k6 = await startK6({ baseUrl: urls.backend, rate: 40, durationS: 35, vus: 20 });
    await new Promise((r) => setTimeout(r, 8000));
    const victim = (await pods(BACKEND)).find((p) => p.ready && !p.deleting)!;
    const t0 = performance.now();
    await kc(["-n", NS, "delete", "pod", victim.name, "--wait=false"]);
    await twoReadyPods({
      what: "two ready backend pods again",
      timeoutS: RECOVERY_LIMIT_S,
      intervalMs: 500,
      replacing: victim.name,
    });
    fig.recovered_s = since(t0);
    // The guide's troubleshooting command: the replacement's events read as a normal start.
    const described = await guideCommand(ctx.report, GUIDE.describeBackend);
    assert.match(described, /Started container backend/);
    const result = await k6.done;
    const worst = result.windows.reduce((m, w) => Math.max(m, w.p99_ms ?? 0), 0);
    Object.assign(fig, {
      killed: victim.name,
      rate: 40,
      ...loadFigures(result),
      worst_window_p99_ms: worst,
    });
    assertNoneFailed(result);
  },
};

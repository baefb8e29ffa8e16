/**
 * Two backend replicas, which the scenarios that take a pod away (port-forward,
 * rollout, pod-kill, model-lifecycle) need so that one pod can serve while the
 * other is gone.
 */
import { kc, waitFor } from "../cluster.ts";
import { BACKEND, NS, pods } from "../kube.ts";

/** How {@link twoReadyPods} waits. */
export interface TwoReadyOptions {
  /** What the wait is for, in its timeout message. */
  what?: string;
  timeoutS?: number;
  intervalMs?: number;
  /** A pod that must no longer be among them (the one just deleted). */
  replacing?: string;
}

/** Wait until exactly two backend pods are ready and none is terminating; their names. */
export async function twoReadyPods(options: TwoReadyOptions = {}): Promise<string[]> {
  const { what = "two ready backend pods", timeoutS = 180, intervalMs = 1000, replacing } = options;
  return await waitFor(what, timeoutS, async () => {
    const backend = (await pods(BACKEND)).filter((p) => !p.deleting);
    return backend.length === 2 && backend.every((p) => p.ready) &&
        !backend.some((p) => p.name === replacing)
      ? backend.map((p) => p.name)
      : null;
  }, intervalMs);
}

/** Raise the HPA's minimum to 2 (for this and the following scenarios) and wait for both pods. */
export async function twoReplicas(): Promise<void> {
  await kc([
    "-n",
    NS,
    "patch",
    "hpa",
    "anomaly-backend",
    "--type=merge",
    "-p",
    '{"spec":{"minReplicas":2}}',
  ]);
  await twoReadyPods({ intervalMs: 2000 });
}

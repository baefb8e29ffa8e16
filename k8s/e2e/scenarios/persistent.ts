/**
 * `persistent`: the model artifact outlives its pods. Applies
 * k8s/overlays/persistent-local (the `persistent` overlay plus a static local
 * PersistentVolume, since this cluster has no provisioner), lets the first
 * pods train into the empty claim, deletes every backend pod with the guide's
 * command, and checks that the replacements load the same model version from
 * the artifact instead of training (`persistent.model_reused`).
 */
import assert from "node:assert/strict";
import { getJson, run, waitFor } from "../cluster.ts";
import { applyOverlay, BACKEND, guideCommand, http, NS, pods } from "../kube.ts";
import { LIVE_GUIDE_COMMANDS as GUIDE } from "../guide_live.ts";
import type { Scenario } from "../scenario.ts";

/** The node directory behind the local PersistentVolume (k8s/components/local-pv/pv.yaml). */
export const MODEL_HOST_DIR = "/var/lib/anomaly/models";

async function readyBackends(exclude: string[] = []) {
  return await waitFor("every backend pod ready", 240, async () => {
    const backend = (await pods(BACKEND)).filter((p) => !p.deleting);
    const ok = backend.length > 0 && backend.every((p) => p.ready && !exclude.includes(p.name));
    return ok ? backend : null;
  }, 1000);
}

async function model(ip: string): Promise<{ version: string; source: string }> {
  const r = await http(`http://${ip}:8000/model`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { version: r.body.version, source: r.body.source };
}

/** The persistence scenario. */
export const persistent: Scenario = {
  name: "persistent",
  description: "persistent-local overlay: a new pod loads the model from the claim, no retrain",
  async run(ctx) {
    const fig = ctx.section("persistent");
    // A fresh, empty volume directory on the node, as a new claim would be.
    const prep = Deno.uid() === 0
      ? await run("bash", ["-c", `rm -rf ${MODEL_HOST_DIR} && mkdir -p ${MODEL_HOST_DIR}`])
      : await run("sudo", [
        "-n",
        "bash",
        "-c",
        `rm -rf ${MODEL_HOST_DIR} && mkdir -p ${MODEL_HOST_DIR}`,
      ]);
    assert.equal(prep.code, 0, prep.stderr);

    await applyOverlay("k8s/overlays/persistent-local");
    await waitFor("the backend rollout onto the claim", 240, async () => {
      const deploy = await getJson(["-n", NS, "get", "deploy", "anomaly-backend"]);
      const s = deploy.status;
      return s.observedGeneration >= deploy.metadata.generation &&
        s.updatedReplicas === deploy.spec.replicas && s.readyReplicas === deploy.spec.replicas &&
        (s.replicas ?? 0) === deploy.spec.replicas;
    }, 2000);
    const pvc = await getJson(["-n", NS, "get", "pvc", "anomaly-models"]);
    assert.equal(pvc.status.phase, "Bound");
    fig.storage_class = pvc.spec.storageClassName;
    fig.volume = pvc.spec.volumeName;

    // The first pod on the empty claim trains; a second one started after it may already load.
    const first = await readyBackends();
    const firstModels = await Promise.all(first.map((p) => model(p.ip)));
    const trained = firstModels.find((m) => /trained at startup/.test(m.source));
    fig.first_sources = firstModels.map((m) => m.source);
    assert.ok(trained, `a pod trains into the empty claim: ${JSON.stringify(firstModels)}`);
    fig.version = trained.version;
    assert.ok(firstModels.every((m) => m.version === trained.version), "one model version");

    await guideCommand(ctx.report, GUIDE.deleteBackendPods, { timeoutS: 120 });
    const next = await readyBackends(first.map((p) => p.name));
    const loaded = await model(next[0].ip);
    fig.after_delete_source = loaded.source;
    fig.model_reused = /loaded from artifact/.test(loaded.source) &&
      loaded.version === trained.version;
    const logs = await guideCommand(ctx.report, GUIDE.modelReadyLogs);
    // The artifact or, once the registry made it the champion, its version file (docs/MLOPS.md).
    assert.match(logs, /"source":"loaded from artifact [^"]+"/);
    assert.equal(loaded.version, trained.version, "the same model version after the restart");
    assert.equal(fig.model_reused, true, `new pod's model source: ${loaded.source}`);
  },
};

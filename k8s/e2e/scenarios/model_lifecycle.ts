/**
 * `model-lifecycle`: the MLOps loop on the live cluster (issue 12, item 9).
 * Applies k8s/e2e/overlays/lifecycle-local (persistent-local plus the
 * model-lifecycle component) with an admin token Secret and two backend
 * pods; the retrain Job trains a version into the shared claim and registers
 * it as challenger; every pod picks it up and scores it in the shadow; under
 * constant k6 load the challenger is promoted through the admin API and every
 * pod serves it, then it is rolled back and every pod serves the old champion
 * again. Not a single request may fail (`model_lifecycle.failed` = 0).
 */
import assert from "node:assert/strict";
import { kc, log, run, waitFor } from "../cluster.ts";
import { LIVE_GUIDE_COMMANDS as GUIDE } from "../guide_live.ts";
import { assertNoneFailed, loadFigures, startK6 } from "../k6.ts";
import {
  applyOverlay,
  BACKEND,
  guideCommand,
  http,
  NS,
  pods,
  serviceUrls,
  waitRollouts,
} from "../kube.ts";
import { type Scenario, since } from "../scenario.ts";
import { MODEL_HOST_DIR } from "./persistent.ts";
import { twoReplicas } from "./_replicas.ts";

/** The overlay this scenario applies. */
export const LIFECYCLE_OVERLAY = "k8s/e2e/overlays/lifecycle-local";

/** The version the retrain Job registered, from its log line `challenger -> sha256:<12 hex>`. */
export function challengerFromLog(log: string): string | null {
  return /^challenger -> (sha256:[0-9a-f]{12})\b/m.exec(log)?.[1] ?? null;
}

interface Serving {
  champion: string | null;
  challenger: string | null;
  shadowing: boolean;
}

/** What every ready backend pod serves, once each answers `check`; the seconds it took. */
async function everyPod(
  what: string,
  check: (s: Serving) => boolean,
  timeoutS = 120,
): Promise<number> {
  const t0 = performance.now();
  await waitFor(`every backend pod: ${what}`, timeoutS, async () => {
    const ready = (await pods(BACKEND)).filter((p) => p.ready && !p.deleting);
    if (ready.length < 2) return null;
    for (const pod of ready) {
      const models = await http(`http://${pod.ip}:8000/models`);
      if (models.status !== 200 || !check(models.body.serving)) return null;
      // /predict answers with the model the pod reports.
      const predict = await http(`http://${pod.ip}:8000/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ readings: [{ voltage: 230, current: 10, frequency: 50 }] }),
      });
      if (predict.body.model_version !== models.body.serving.champion) return null;
    }
    return true;
  }, 500);
  return since(t0);
}

async function setChampion(url: string, token: string, version: string) {
  const r = await http(`${url}/models/aliases/champion`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ version }),
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/**
 * Labels in the image as deployed: one prediction labelled twice through the Service (either pod
 * may answer; both write the SQLite store on the shared model volume) is stored once.
 */
async function labelTwice(url: string): Promise<number> {
  const served = await http(`${url}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ readings: [{ voltage: 230, current: 10, frequency: 50 }] }),
  });
  assert.equal(served.status, 200, JSON.stringify(served.body));
  const label = JSON.stringify({
    labels: [{ prediction_id: served.body.predictions[0].prediction_id, anomaly: true }],
  });
  let stored = 0;
  for (const expected of [1, 0]) {
    const r = await http(`${url}/feedback`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: label,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.stored, expected, `feedback stored: ${JSON.stringify(r.body)}`);
    stored += r.body.stored;
  }
  return stored;
}

/** The lifecycle scenario. */
export const modelLifecycle: Scenario = {
  name: "model-lifecycle",
  description:
    "retrain Job -> challenger on every pod -> promote -> rollback, zero failed requests",
  async run(ctx) {
    const fig = ctx.section("model_lifecycle");
    // The guide's commands, as written: a random token in a Secret, read back for the admin calls.
    const ns = await kc(["create", "namespace", NS, "--dry-run=client", "-o", "yaml"]);
    await kc(["apply", "-f", "-"], { stdin: ns });
    await kc(["-n", NS, "delete", "secret", "anomaly-admin", "--ignore-not-found"]);
    await guideCommand(ctx.report, GUIDE.createAdminSecret);
    const token = (await guideCommand(ctx.report, GUIDE.readAdminToken)).trim();
    assert.match(token, /^[0-9a-f]{48}$/, "the token the guide's command prints");
    // The local volume's directory on the node (kept if the persistent scenario made it), so this
    // scenario also runs alone (`--only model-lifecycle`).
    const mkdir = ["bash", "-c", `mkdir -p ${MODEL_HOST_DIR}`];
    const prep = Deno.uid() === 0
      ? await run(mkdir[0], mkdir.slice(1))
      : await run("sudo", ["-n", ...mkdir]);
    assert.equal(prep.code, 0, prep.stderr);
    // A Job's template cannot change in place: start from none.
    await kc(["-n", NS, "delete", "job", "anomaly-retrain", "--ignore-not-found", "--wait=true"]);
    await applyOverlay(LIFECYCLE_OVERLAY);
    // Pods read the Secret at start: restart them so every one has this run's token.
    await kc(["-n", NS, "rollout", "restart", "deploy/anomaly-backend"]);
    await waitRollouts();
    await twoReplicas();

    const t0 = performance.now();
    await guideCommand(ctx.report, GUIDE.waitRetrainJob, { timeoutS: 320 });
    fig.job_seconds = since(t0);
    const jobLog = await guideCommand(ctx.report, GUIDE.retrainLogs);
    const challenger = challengerFromLog(jobLog);
    assert.ok(challenger, `the Job registered a challenger:\n${jobLog}`);
    fig.challenger = challenger;
    fig.challenger_on_every_pod_s = await everyPod(
      `challenger ${challenger} in the shadow`,
      (s) => s.challenger === challenger && s.shadowing,
    );
    const urls = await serviceUrls();
    const models = await http(`${urls.backend}/models`);
    const before: string = models.body.aliases.champion.model_version;
    fig.champion_before = before;
    assert.notEqual(before, challenger);

    const k6 = await startK6({ baseUrl: urls.backend, rate: 40, durationS: 75, vus: 20 });
    await waitFor("shadow scoring of live traffic", 60, async () => {
      const metrics = await http(`${urls.backend}/metrics`);
      // The series carry the experiment's champion and challenger versions beside `agree`.
      return /^shadow_predictions_total\{[^}]*agree="(true|false)"[^}]*\} [1-9]/m.test(
        String(metrics.body),
      );
    }, 1000);
    fig.feedback_stored = await labelTwice(urls.backend);

    log(`promoting ${challenger}`);
    const promoted = await setChampion(urls.backend, token, challenger);
    assert.equal(promoted.previous.slice(0, before.length), before);
    fig.converges_within_s = promoted.converges_within_s;
    fig.promotion_on_every_pod_s = await everyPod(
      `champion ${challenger}`,
      (s) => s.champion === challenger,
    );
    await new Promise((r) => setTimeout(r, 5000));
    log(`rolling back to ${before}`);
    await setChampion(urls.backend, token, before);
    fig.rollback_on_every_pod_s = await everyPod(
      `champion ${before}`,
      (s) => s.champion === before,
    );

    const result = await k6.done;
    Object.assign(fig, { rate: 40, ...loadFigures(result) });
    assertNoneFailed(result);
    assert.ok(
      Number(fig.promotion_on_every_pod_s) <= Number(promoted.converges_within_s) + 10,
      `promotion took ${fig.promotion_on_every_pod_s} s on every pod`,
    );
    // The finished Job keeps its pod (ttlSecondsAfterFinished is an hour): later tiers count pods.
    await kc(["-n", NS, "delete", "job", "anomaly-retrain", "--ignore-not-found", "--wait=true"]);
  },
};

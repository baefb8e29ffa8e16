/**
 * The model-lifecycle tier (k8s/overlays/lifecycle): the retraining Job
 * writes into the store the backend reads, with the backend's image and
 * settings, as locked down as the backend; the backend gets its admin token
 * from a Secret that need not exist yet.
 */
import assert from "node:assert/strict";
import { skipUnless } from "../../testing/tools.ts";
import { resolveEnv } from "./_policies.ts";
import { type K8sObject, kustomize } from "./_render.ts";

const ignore = skipUnless("kubectl");

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const obj = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(obj, `${kind}/${name} is not rendered`);
  return obj;
}

for (const dir of ["k8s/overlays/lifecycle", "k8s/e2e/overlays/lifecycle-local"]) {
  Deno.test({
    name: `${dir}: the retrain Job trains into the backend's store and registers a challenger`,
    ignore,
    fn() {
      const objects = kustomize(dir);
      const deploy = find(objects, "Deployment", "anomaly-backend");
      const job = find(objects, "Job", "anomaly-retrain");
      const backend = deploy.spec.template.spec;
      const pod = job.spec.template.spec;
      const train = pod.containers[0];
      assert.equal(job.metadata.namespace, "anomaly");
      assert.equal(train.image, backend.containers[0].image, "one image, one tag");
      assert.equal(train.imagePullPolicy, backend.containers[0].imagePullPolicy);
      assert.deepEqual(train.args.slice(0, 4), ["train", "--register", "--alias", "challenger"]);
      // Same store: the backend's claim, mounted where MODEL_DIR points.
      const claim = (spec: K8sObject["spec"]) =>
        spec.volumes.find((v: { name: string }) => v.name === "models").persistentVolumeClaim
          ?.claimName;
      assert.equal(claim(pod), "anomaly-models");
      assert.equal(claim(backend), "anomaly-models");
      const env = resolveEnv(job, train, objects);
      const mount = train.volumeMounts.find((m: { name: string }) => m.name === "models");
      assert.equal(mount.mountPath, env.get("MODEL_DIR"));
      assert.equal(env.get("SEED"), resolveEnv(deploy, backend.containers[0], objects).get("SEED"));
      // Locked down like the backend.
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(pod.securityContext.fsGroup, backend.securityContext.fsGroup);
      assert.equal(pod.automountServiceAccountToken, false);
      assert.equal(train.securityContext.readOnlyRootFilesystem, true);
      assert.equal(train.securityContext.allowPrivilegeEscalation, false);
      assert.deepEqual(train.securityContext.capabilities.drop, ["ALL"]);
      assert.ok(train.resources.limits.memory && train.resources.limits.cpu);
      assert.ok(job.spec.activeDeadlineSeconds > 0 && job.spec.ttlSecondsAfterFinished > 0);
    },
  });
}

Deno.test({
  name: "lifecycle tier: ADMIN_TOKEN comes from the optional Secret anomaly-admin, never a literal",
  ignore,
  fn() {
    const objects = kustomize("k8s/overlays/lifecycle");
    const container = find(objects, "Deployment", "anomaly-backend").spec.template.spec
      .containers[0];
    const token = container.env.find((e: { name: string }) => e.name === "ADMIN_TOKEN");
    assert.deepEqual(token.valueFrom.secretKeyRef, {
      name: "anomaly-admin",
      key: "token",
      optional: true,
    });
    assert.ok(!objects.some((o) => o.kind === "Secret"), "no Secret is rendered from git");
    for (const o of objects.filter((o) => o.kind === "ConfigMap")) {
      assert.ok(!("ADMIN_TOKEN" in (o.data ?? {})), "no token in a ConfigMap");
    }
    // The dev tier has no admin token at all: its admin endpoints answer 403.
    const dev = find(kustomize("k8s/overlays/dev"), "Deployment", "anomaly-backend");
    assert.ok(
      !dev.spec.template.spec.containers[0].env.some((e: { name: string }) =>
        e.name === "ADMIN_TOKEN"
      ),
    );
  },
});

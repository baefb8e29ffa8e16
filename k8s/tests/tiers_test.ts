/**
 * The workshop's numbers per tier: what the guide tells participants must be
 * what the overlays render.
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

function backendEnv(objects: K8sObject[]): Map<string, string> {
  const deploy = find(objects, "Deployment", "anomaly-backend");
  return resolveEnv(deploy, deploy.spec.template.spec.containers[0], objects);
}

Deno.test({
  name: "`kubectl apply -k k8s/` applies exactly the dev tier",
  ignore,
  fn() {
    assert.deepEqual(kustomize("k8s"), kustomize("k8s/overlays/dev"));
  },
});

Deno.test({
  name: "dev tier: HPA 1-5 at 60 %, 60 s scale-down window, local images",
  ignore,
  fn() {
    const objects = kustomize("k8s/overlays/dev");
    const hpa = find(objects, "HorizontalPodAutoscaler", "anomaly-backend");
    assert.equal(hpa.spec.minReplicas, 1);
    assert.equal(hpa.spec.maxReplicas, 5);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 60);
    assert.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, 60);
    for (const name of ["anomaly-backend", "anomaly-ui"]) {
      const c = find(objects, "Deployment", name).spec.template.spec.containers[0];
      assert.equal(c.image, `${name}:0.1.0`);
      assert.equal(c.imagePullPolicy, "IfNotPresent");
    }
    assert.equal(backendEnv(objects).get("WORKERS"), "1");
  },
});

Deno.test({
  name: "scaled tier: HPA max 10, more replicas, WORKERS=2, bigger limits",
  ignore,
  fn() {
    const dev = kustomize("k8s/overlays/dev");
    const scaled = kustomize("k8s/overlays/scaled");
    const hpa = find(scaled, "HorizontalPodAutoscaler", "anomaly-backend");
    assert.equal(hpa.spec.maxReplicas, 10);
    assert.ok(
      hpa.spec.minReplicas >
        find(dev, "HorizontalPodAutoscaler", "anomaly-backend").spec.minReplicas,
    );
    assert.ok(
      find(scaled, "Deployment", "anomaly-ui").spec.replicas >
        find(dev, "Deployment", "anomaly-ui").spec.replicas,
    );
    assert.equal(backendEnv(scaled).get("WORKERS"), "2");
    const limits = (objects: K8sObject[]) =>
      find(objects, "Deployment", "anomaly-backend").spec.template.spec.containers[0].resources
        .limits;
    assert.equal(limits(scaled).cpu, "2");
    assert.equal(limits(scaled).memory, "1Gi");
    assert.equal(limits(dev).cpu, "1");
  },
});

Deno.test({
  name: "persistent tier: the backend mounts the anomaly-models claim at MODEL_DIR",
  ignore,
  fn() {
    const objects = kustomize("k8s/overlays/persistent");
    find(objects, "PersistentVolumeClaim", "anomaly-models");
    const spec = find(objects, "Deployment", "anomaly-backend").spec.template.spec;
    const models = spec.volumes.find((v: { name: string }) => v.name === "models");
    assert.deepEqual(models, {
      name: "models",
      persistentVolumeClaim: { claimName: "anomaly-models" },
    });
    const mount = spec.containers[0].volumeMounts.find((m: { name: string }) =>
      m.name === "models"
    );
    assert.equal(mount.mountPath, backendEnv(objects).get("MODEL_DIR"));
  },
});

Deno.test({
  name: "every tier mounts a writable volume at MODEL_DIR and /tmp",
  ignore,
  fn() {
    for (const dir of ["k8s/base", "k8s/overlays/dev", "k8s/overlays/scaled"]) {
      const objects = kustomize(dir);
      const c = find(objects, "Deployment", "anomaly-backend").spec.template.spec.containers[0];
      const paths = c.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort();
      assert.deepEqual(paths, [backendEnv(objects).get("MODEL_DIR"), "/tmp"].sort(), dir);
    }
  },
});

Deno.test({
  name: "pods run as the uid and gid the images declare (USER in containers/Dockerfile.*)",
  ignore,
  fn() {
    for (const [name, file] of [["anomaly-backend", "backend"], ["anomaly-ui", "ui"]]) {
      const dockerfile = Deno.readTextFileSync(
        new URL(`../../containers/Dockerfile.${file}`, import.meta.url),
      );
      const users = [...dockerfile.matchAll(/^USER (\d+):(\d+)$/gm)].map((
        m,
      ) => [Number(m[1]), Number(m[2])]);
      assert.ok(users.length > 0, `Dockerfile.${file} has no numeric USER`);
      for (const dir of ["k8s/base", "k8s/overlays/dev", "k8s/overlays/scaled"]) {
        const pod = find(kustomize(dir), "Deployment", name).spec.template.spec;
        for (const [uid, gid] of users) {
          assert.equal(pod.securityContext.runAsUser, uid, `${dir} ${name}`);
          assert.equal(pod.securityContext.runAsGroup, gid, `${dir} ${name}`);
        }
      }
    }
  },
});

/**
 * The streaming-keda tier (k8s/overlays/streaming-keda,
 * k8s/components/stream-lag-scaling): KEDA scales the scorers on the lag of
 * the group and topic they really consume, from 1 up to the partition count,
 * at a broker address KEDA's namespace resolves; the plain streaming tier
 * stays free of KEDA.
 */
import assert from "node:assert/strict";
import { skipUnless } from "../../testing/tools.ts";
import { type K8sObject, kustomize } from "./_render.ts";
import { validateSchema } from "./_schema.ts";
import { DEFAULT_TOPIC_SETTINGS, TOPICS } from "../../backend/stream/topics.ts";
import { loadStreamConfig } from "../../backend/stream/stream_config.ts";

const ignore = skipUnless("kubectl");

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const obj = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(obj, `${kind}/${name} is not rendered`);
  return obj;
}

function scorerEnv(objects: K8sObject[]): Record<string, string> {
  const container = find(objects, "Deployment", "anomaly-stream").spec.template.spec.containers[0];
  return Object.fromEntries(
    container.env.filter((e: { value?: string }) => e.value !== undefined)
      .map((e: { name: string; value: string }) => [e.name, e.value]),
  );
}

Deno.test({
  name:
    "k8s/overlays/streaming-keda: lag of the scorers' own group and topic, 1 to the partition count",
  ignore,
  fn() {
    const objects = kustomize("k8s/overlays/streaming-keda");
    const so = find(objects, "ScaledObject", "anomaly-stream");
    assert.equal(so.metadata.namespace, "anomaly");
    assert.deepEqual(so.spec.scaleTargetRef, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "anomaly-stream",
    });
    assert.equal(so.spec.minReplicaCount, 1);
    assert.equal(so.spec.maxReplicaCount, DEFAULT_TOPIC_SETTINGS.partitions);
    const [trigger, ...more] = so.spec.triggers;
    assert.equal(more.length, 0, "lag is the only trigger (no CPU)");
    assert.equal(trigger.type, "kafka");
    const stream = loadStreamConfig(scorerEnv(objects));
    assert.equal(trigger.metadata.consumerGroup, stream.groupId);
    assert.equal(trigger.metadata.topic, stream.topics.readings);
    assert.equal(trigger.metadata.topic, TOPICS.readings);
    assert.equal(trigger.metadata.allowIdleConsumers, "false");
    // The scorer's bootstrap, qualified with its namespace for KEDA's operator in `keda`.
    const [host, port] = stream.bootstrap.split(":");
    assert.equal(trigger.metadata.bootstrapServers, `${host}.anomaly.svc:${port}`);
    // ... which is what the broker advertises (its INTERNAL listener), so KEDA can follow it.
    const broker = find(objects, "StatefulSet", "anomaly-kafka").spec.template.spec.containers[0];
    assert.match(
      broker.args[0],
      /advertised\.listeners=INTERNAL:\/\/anomaly-kafka\.\$\{POD_NAMESPACE\}\.svc:9092/,
    );
    assert.ok(
      broker.env.some((e: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }) =>
        e.name === "POD_NAMESPACE" && e.valueFrom?.fieldRef?.fieldPath === "metadata.namespace"
      ),
    );
    const behavior = so.spec.advanced.horizontalPodAutoscalerConfig.behavior;
    assert.ok(behavior.scaleDown.stabilizationWindowSeconds >= 60, "scale-in waits out a lull");

    // KEDA's HPA owns the count: a re-apply must not reset it.
    assert.equal(find(objects, "Deployment", "anomaly-stream").spec.replicas, undefined);
    const policy = find(objects, "NetworkPolicy", "anomaly-kafka-from-keda");
    assert.deepEqual(policy.spec.ingress[0].from[0].namespaceSelector.matchLabels, {
      "kubernetes.io/metadata.name": "keda",
    });
  },
});

Deno.test({
  name: "k8s/overlays/streaming stays valid without KEDA: no KEDA object, two fixed scorers",
  ignore,
  fn() {
    const objects = kustomize("k8s/overlays/streaming");
    assert.deepEqual(objects.filter((o) => o.apiVersion.includes("keda.sh")), []);
    assert.equal(find(objects, "Deployment", "anomaly-stream").spec.replicas, 2);
  },
});

Deno.test({
  name: "k8s/e2e/overlays/stream-lag: the shipped ScaledObject with a shorter scale-in only",
  ignore,
  fn() {
    const shipped = find(
      kustomize("k8s/overlays/streaming-keda"),
      "ScaledObject",
      "anomaly-stream",
    );
    const e2e = find(kustomize("k8s/e2e/overlays/stream-lag"), "ScaledObject", "anomaly-stream");
    const strip = (so: K8sObject) => {
      const copy = structuredClone(so);
      delete copy.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown;
      return copy;
    };
    assert.deepEqual(strip(e2e), strip(shipped));
    assert.equal(
      e2e.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown
        .stabilizationWindowSeconds,
      30,
    );
  },
});

Deno.test("validateSchema() checks a ScaledObject against KEDA's schema", () => {
  const bad: K8sObject = {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: "x" },
    spec: { scaleTargetRef: { name: "x" }, maxReplicaCount: "eight", triggers: [] },
  };
  assert.throws(() => validateSchema(bad), /maxReplicaCount must be integer/);
});

/**
 * The streaming tier (k8s/overlays/streaming and compose's `streaming`
 * profile): one Kafka version everywhere (the jars' pom, the image tags), the
 * scorer on the backend's image and model store, topics from the generated
 * script, and Kafka reachable by its clients only.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { skipUnless } from "../../testing/tools.ts";
import { type K8sObject, kustomize, ROOT } from "./_render.ts";
import { topicsScript } from "../../tools/kafka/topics_script.ts";

const ignore = skipUnless("kubectl");
const pomVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(
  Deno.readTextFileSync(`${ROOT}tools/kafka/pom.xml`),
)![1];

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const obj = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(obj, `${kind}/${name} is not rendered`);
  return obj;
}

Deno.test({
  name:
    "k8s/overlays/streaming: KRaft StatefulSet on a PVC, topic Job, scorer on the backend's image and store",
  ignore,
  fn() {
    const objects = kustomize("k8s/overlays/streaming");
    const kafka = find(objects, "StatefulSet", "anomaly-kafka");
    assert.equal(kafka.spec.template.spec.containers[0].image, `apache/kafka:${pomVersion}`);
    assert.equal(kafka.spec.volumeClaimTemplates[0].metadata.name, "data");
    const script = kafka.spec.template.spec.containers[0].args[0] as string;
    assert.match(script, /process\.roles=broker,controller/);
    assert.doesNotMatch(script, /zookeeper/i);

    const job = find(objects, "Job", "anomaly-kafka-topics");
    assert.equal(job.spec.template.spec.containers[0].image, `apache/kafka:${pomVersion}`);
    const configMap = objects.find((o) =>
      o.kind === "ConfigMap" && o.metadata.name.startsWith("anomaly-kafka-topics")
    );
    assert.equal(configMap?.data["create-topics.sh"], topicsScript());
    assert.equal(
      job.spec.template.spec.volumes.find((v: { name: string }) => v.name === "scripts").configMap
        .name,
      configMap?.metadata.name,
    );

    const backend = find(objects, "Deployment", "anomaly-backend").spec.template.spec;
    const stream = find(objects, "Deployment", "anomaly-stream").spec.template.spec;
    assert.equal(stream.containers[0].image, backend.containers[0].image, "one image, one tag");
    assert.deepEqual(stream.containers[0].args, ["stream"]);
    const claim = (spec: K8sObject["spec"]) =>
      spec.volumes.find((v: { name: string }) => v.name === "models").persistentVolumeClaim
        ?.claimName;
    assert.equal(claim(stream), "anomaly-models");
    assert.equal(claim(backend), "anomaly-models");
    const env = new Map(
      stream.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]),
    );
    assert.equal(env.get("KAFKA_BOOTSTRAP"), "anomaly-kafka:9092");

    const policy = find(objects, "NetworkPolicy", "anomaly-kafka-from-clients");
    const from = policy.spec.ingress[0].from.map((f: { podSelector: { matchLabels: object } }) =>
      f.podSelector.matchLabels
    );
    assert.deepEqual(from, [
      { "app.kubernetes.io/name": "anomaly-stream" },
      { "app.kubernetes.io/name": "anomaly-kafka-topics" },
    ]);
  },
});

Deno.test("compose's streaming profile runs the pom's Kafka version and the generated topic script", () => {
  // deno-lint-ignore no-explicit-any
  const compose = parse(Deno.readTextFileSync(`${ROOT}containers/compose.yaml`)) as any;
  const { kafka, stream } = compose.services;
  const topics = compose.services["kafka-topics"];
  assert.equal(kafka.image, `apache/kafka:${pomVersion}`);
  assert.equal(topics.image, `apache/kafka:${pomVersion}`);
  for (const s of [kafka, topics, stream]) assert.deepEqual(s.profiles, ["streaming"]);
  assert.equal(topics.volumes[0].split(":")[0], "../k8s/overlays/streaming/create-topics.sh");
  assert.deepEqual(stream.command, ["stream"]);
  assert.equal(stream.image, compose.services.backend.image);
  assert.equal(stream.depends_on["kafka-topics"].condition, "service_completed_successfully");
  assert.ok(stream.volumes.includes("models:/app/models"), "the backend's model store");
  // The same detector as the backend (the fleet view's temporal one unless DETECTOR says).
  assert.equal(stream.environment.DETECTOR, compose.services.backend.environment.DETECTOR);
});

Deno.test(
  "docker-compose renders the streaming profile",
  { ignore: skipUnless("docker-compose") },
  async () => {
    const out = await new Deno.Command("docker-compose", {
      args: ["-f", "containers/compose.yaml", "--profile", "streaming", "config", "-q"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  },
);

/**
 * Proves each policy can pass and can fail (Polaris style): every policy has
 * `fixtures/<name>/success*.yaml`, on which every applicable object passes,
 * and `failure*.yaml`, on which at least one applicable object fails.
 */
import assert from "node:assert/strict";
import { evaluate, EXEMPT_ANNOTATION, EXEMPT_REASON, POLICIES } from "./_policies.ts";
import { readObjects, ref } from "./_render.ts";

const FIXTURES = "k8s/tests/fixtures";

function fixtureFiles(name: string): { success: string[]; failure: string[] } {
  const files = [...Deno.readDirSync(new URL(`fixtures/${name}/`, import.meta.url))]
    .map((e) => e.name)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  return {
    success: files.filter((f) => f.startsWith("success")),
    failure: files.filter((f) => f.startsWith("failure")),
  };
}

for (const policy of POLICIES) {
  Deno.test(`${policy.id} ${policy.name} passes its success fixtures and fails its failure fixtures`, async (t) => {
    const { success, failure } = fixtureFiles(policy.name);
    assert.ok(success.length > 0, `no ${FIXTURES}/${policy.name}/success*.yaml`);
    assert.ok(failure.length > 0, `no ${FIXTURES}/${policy.name}/failure*.yaml`);
    for (const file of success) {
      await t.step(file, () => {
        const objects = readObjects(`${FIXTURES}/${policy.name}/${file}`);
        const targets = objects.filter((o) => policy.kinds.includes(o.kind));
        assert.ok(targets.length > 0, `${file} has no ${policy.kinds.join("/")}`);
        for (const obj of targets) {
          assert.deepEqual(evaluate(policy, obj, objects), [], `${ref(obj)} in ${file}`);
        }
      });
    }
    for (const file of failure) {
      await t.step(file, () => {
        const objects = readObjects(`${FIXTURES}/${policy.name}/${file}`);
        const problems = objects
          .filter((o) => policy.kinds.includes(o.kind))
          .flatMap((o) => evaluate(policy, o, objects));
        assert.ok(problems.length > 0, `${file} passed ${policy.name}`);
      });
    }
  });
}

Deno.test("every fixture folder belongs to a policy", () => {
  const names = new Set(POLICIES.map((p) => p.name));
  const folders = [...Deno.readDirSync(new URL("fixtures/", import.meta.url))]
    .filter((e) => e.isDirectory)
    .map((e) => e.name);
  assert.deepEqual(folders.filter((f) => !names.has(f)), []);
});

Deno.test("an exemption needs both the check name and a reason", () => {
  const hpa = readObjects(`${FIXTURES}/hpa-min-replicas/failure.yaml`)
    .find((o) => o.kind === "HorizontalPodAutoscaler")!;
  const policy = POLICIES.find((p) => p.name === "hpa-min-replicas")!;
  const withName = structuredClone(hpa);
  withName.metadata.annotations = { [EXEMPT_ANNOTATION]: "hpa-min-replicas" };
  assert.notDeepEqual(evaluate(policy, withName, [withName]), []);
  withName.metadata.annotations[EXEMPT_REASON] = "demo";
  assert.deepEqual(evaluate(policy, withName, [withName]), []);
});

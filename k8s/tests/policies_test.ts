/**
 * Every policy in `_policies.ts` against every object of every rendered
 * kustomization: one step per policy per object, so a failure names both.
 */
import assert from "node:assert/strict";
import { skipUnless } from "../../testing/tools.ts";
import { evaluate, POLICIES } from "./_policies.ts";
import { KUSTOMIZATIONS, kustomize, ref } from "./_render.ts";

const ignore = skipUnless("kubectl");

for (const dir of KUSTOMIZATIONS) {
  Deno.test({
    name: `policies hold for every object rendered from ${dir}`,
    ignore,
    async fn(t) {
      const objects = kustomize(dir);
      for (const policy of POLICIES) {
        const targets = objects.filter((o) => policy.kinds.includes(o.kind));
        // A check with nothing to look at would pass without proving anything.
        assert.ok(targets.length > 0, `${policy.name} applies to no object in ${dir}`);
        for (const obj of targets) {
          await t.step(`${policy.id} ${policy.name}: ${ref(obj)}`, () => {
            assert.deepEqual(evaluate(policy, obj, objects), []);
          });
        }
      }
    },
  });
}

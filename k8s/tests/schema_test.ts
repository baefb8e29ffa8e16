/** K20: every rendered object of every kustomization passes schema validation. */
import assert from "node:assert/strict";
import { skipUnless } from "../../testing/tools.ts";
import { KUSTOMIZATIONS, kustomize, parseObjects, ref } from "./_render.ts";
import { validateSchema } from "./_schema.ts";

const ignore = skipUnless("kubectl");

for (const dir of KUSTOMIZATIONS) {
  Deno.test({
    name: `every object rendered from ${dir} matches its Kubernetes schema`,
    ignore,
    async fn(t) {
      const objects = kustomize(dir);
      // Non-vacuous: a render that yields nothing would otherwise pass.
      assert.ok(objects.length > 0, `${dir} rendered no objects`);
      for (const obj of objects) {
        await t.step(ref(obj), () => validateSchema(obj));
      }
    },
  });
}

Deno.test("validateSchema() rejects a wrongly typed field and an unknown kind", () => {
  const [bad] = parseObjects(`
apiVersion: v1
kind: Service
metadata: {name: x}
spec:
  ports: [{port: "eighty"}]
`);
  assert.throws(() => validateSchema(bad), /port must be integer/);
  assert.throws(
    () => validateSchema({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }),
    /No schema registered for example.com\/v1\/Widget/,
  );
});

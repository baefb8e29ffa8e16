import assert from "node:assert/strict";
import { kustomize } from "../tests/_render.ts";
import { skipUnless } from "../../testing/tools.ts";
import { allows, type Endpoint, inCidr, type NetworkPolicy, selecting, selects } from "./netpol.ts";

const pod = (labels: Record<string, string>, ip = "10.244.0.5", ns = "anomaly"): Endpoint => ({
  namespace: ns,
  namespaceLabels: { "kubernetes.io/metadata.name": ns },
  labels,
  ip,
  ports: { http: 8000 },
});

Deno.test("selects() honours matchLabels and every matchExpressions operator", () => {
  const labels = { app: "a", tier: "web" };
  assert.ok(selects({}, labels));
  assert.ok(selects(undefined, labels));
  assert.ok(selects({ matchLabels: { app: "a" } }, labels));
  assert.ok(!selects({ matchLabels: { app: "b" } }, labels));
  assert.ok(
    selects({ matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] }, labels),
  );
  assert.ok(
    !selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["web"] }] }, labels),
  );
  assert.ok(selects({ matchExpressions: [{ key: "app", operator: "Exists" }] }, labels));
  assert.ok(!selects({ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, labels));
  assert.throws(
    () => selects({ matchExpressions: [{ key: "app", operator: "Near" }] }, labels),
    /Unknown selector operator "Near"/,
  );
});

Deno.test("inCidr() matches addresses inside the prefix only", () => {
  assert.ok(inCidr("10.244.0.7", "10.244.0.0/24"));
  assert.ok(!inCidr("10.244.1.7", "10.244.0.0/24"));
  assert.ok(inCidr("1.2.3.4", "0.0.0.0/0"));
  assert.throws(() => inCidr("10.244.0", "10.0.0.0/8"), /Not an IPv4 address/);
});

Deno.test("allows() lets everything reach a pod that no ingress policy selects", () => {
  assert.ok(allows([], pod({ a: "1" }), pod({ b: "2" }), 1234));
});

Deno.test("allows() applies pod, namespace and ipBlock peers, named ports and endPort", () => {
  const policies: NetworkPolicy[] = [{
    metadata: { name: "p", namespace: "anomaly" },
    spec: {
      podSelector: { matchLabels: { role: "db" } },
      policyTypes: ["Ingress"],
      ingress: [
        { from: [{ podSelector: { matchLabels: { role: "api" } } }], ports: [{ port: "http" }] },
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ops" } } }],
          ports: [{ port: 9000, endPort: 9010 }],
        },
        { from: [{ ipBlock: { cidr: "10.1.0.0/16", except: ["10.1.2.0/24"] } }] },
      ],
    },
  }];
  const db = pod({ role: "db" });
  assert.ok(allows(policies, pod({ role: "api" }), db, 8000));
  assert.ok(!allows(policies, pod({ role: "api" }), db, 8001));
  assert.ok(!allows(policies, pod({ role: "api" }, "10.244.0.9", "other"), db, 8000));
  assert.ok(allows(policies, pod({}, "10.244.0.9", "ops"), db, 9005));
  assert.ok(!allows(policies, pod({}, "10.244.0.9", "ops"), db, 9011));
  assert.ok(!allows(policies, pod({ role: "api" }), db, 8000, "UDP"));
  assert.ok(allows(policies, pod({}, "10.1.3.4", "x"), db, 1));
  assert.ok(!allows(policies, pod({}, "10.1.2.4", "x"), db, 1));
});

Deno.test(
  "the shipped policies admit UI and Prometheus to the backend's http port and nothing else",
  { ignore: skipUnless("kubectl") },
  () => {
    const policies = kustomize("k8s/overlays/dev").filter((o) =>
      o.kind === "NetworkPolicy"
    ) as unknown as NetworkPolicy[];
    const backend = pod({ "app.kubernetes.io/name": "anomaly-backend" });
    const ui = { ...pod({ "app.kubernetes.io/name": "anomaly-ui" }), ports: { http: 8501 } };
    const prometheus = pod({ "app.kubernetes.io/name": "prometheus" }, "10.244.0.30", "monitoring");
    const stranger = pod({ run: "probe" });
    assert.equal(selecting(policies, backend).length, 3);
    assert.ok(allows(policies, ui, backend, 8000));
    assert.ok(allows(policies, prometheus, backend, 8000));
    assert.ok(!allows(policies, stranger, backend, 8000));
    assert.ok(!allows(policies, ui, backend, 8001));
    assert.ok(allows(policies, stranger, ui, 8501));
    assert.ok(!allows(policies, stranger, ui, 8000));
  },
);

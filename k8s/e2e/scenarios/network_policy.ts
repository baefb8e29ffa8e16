/**
 * NetworkPolicy: what can be proved on a cluster whose CNI (bridge) does not
 * enforce policies. The API server accepts the four policies (server-side dry
 * run); evaluated against the live pods, namespaces and named ports they allow
 * exactly UI → backend, Prometheus → backend and anyone → UI on `http`, and
 * deny the rest; taking a policy away changes the verdict (so the check can
 * fail). A real connection from a pod the policies deny shows whether this
 * cluster enforces them: recorded as `network_policy.enforced`, which is false
 * here and true on kind (kindnet) or any enforcing CNI.
 */
import assert from "node:assert/strict";
import { getJson, kc, kubectl, log, run, waitFor } from "../cluster.ts";
import { BACKEND, clusterIp, NS, UI } from "../kube.ts";
import { allows, type Endpoint, type NetworkPolicy, selecting } from "../netpol.ts";
import type { Scenario } from "../scenario.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

async function endpointOf(selector: string): Promise<Endpoint> {
  const list = await getJson(["-n", NS, "get", "pods", "-l", selector]);
  const pod = list.items[0];
  assert.ok(pod, `no pod for ${selector}`);
  const ns = await getJson(["get", "namespace", NS]);
  const ports: Record<string, number> = {};
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) if (p.name) ports[p.name] = p.containerPort;
  }
  return {
    namespace: NS,
    namespaceLabels: ns.metadata.labels ?? {},
    labels: pod.metadata.labels ?? {},
    ip: pod.status.podIP,
    ports,
  };
}

/** The NetworkPolicy scenario. */
export const networkPolicy: Scenario = {
  name: "network-policy",
  description: "NetworkPolicies: server dry run, live selection and ports, verdicts; enforcement",
  async run(ctx) {
    const fig = ctx.section("network_policy");
    const rendered = (await run("kubectl", ["kustomize", "k8s/overlays/dev"])).stdout;
    const docs = rendered.split(/^---$/m).filter((d) => /^kind: NetworkPolicy$/m.test(d));
    assert.equal(docs.length, 4, "the dev overlay renders four NetworkPolicies");
    const dry = await kc(["apply", "--dry-run=server", "-f", "-"], {
      stdin: docs.join("\n---\n"),
    });
    assert.equal((dry.match(/\(server dry run\)/g) ?? []).length, 4, dry);

    const policies = (await getJson(["-n", NS, "get", "networkpolicy"])).items as NetworkPolicy[];
    assert.deepEqual(policies.map((p) => p.metadata.name).sort(), [
      "anomaly-backend-from-prometheus",
      "anomaly-backend-from-ui",
      "anomaly-ui-from-anywhere",
      "default-deny-ingress",
    ]);
    const backend = await endpointOf(BACKEND);
    const ui = await endpointOf(UI);
    assert.equal(backend.ports?.http, 8000, "the backend's `http` port is 8000");
    assert.equal(ui.ports?.http, 8501, "the UI's `http` port is 8501");
    assert.deepEqual(
      selecting(policies, backend).map((p) => p.metadata.name).sort(),
      ["anomaly-backend-from-prometheus", "anomaly-backend-from-ui", "default-deny-ingress"],
    );
    assert.deepEqual(
      selecting(policies, ui).map((p) => p.metadata.name).sort(),
      ["anomaly-ui-from-anywhere", "default-deny-ingress"],
    );
    // Sources the policies should tell apart.
    const stranger: Endpoint = { ...ui, labels: { run: "probe" }, ip: "10.244.0.250" };
    const prometheus: Endpoint = {
      namespace: "monitoring",
      namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" },
      labels: { "app.kubernetes.io/name": "prometheus" },
      ip: "10.244.0.251",
    };
    const unselected: Endpoint = { ...ui, labels: { app: "other" }, ports: { http: 8080 } };
    const verdicts = (ps: readonly NetworkPolicy[]) => ({
      ui_to_backend_http: allows(ps, ui, backend, 8000),
      prometheus_to_backend_http: allows(ps, prometheus, backend, 8000),
      stranger_to_backend_http: allows(ps, stranger, backend, 8000),
      ui_to_backend_other_port: allows(ps, ui, backend, 9000),
      stranger_to_ui_http: allows(ps, stranger, ui, 8501),
      stranger_to_ui_other_port: allows(ps, stranger, ui, 9000),
      stranger_to_other_pod: allows(ps, stranger, unselected, 8080),
    });
    const live = verdicts(policies);
    assert.deepEqual(live, {
      ui_to_backend_http: true,
      prometheus_to_backend_http: true,
      stranger_to_backend_http: false,
      ui_to_backend_other_port: false,
      stranger_to_ui_http: true,
      stranger_to_ui_other_port: false,
      stranger_to_other_pod: false,
    });
    fig.verdicts = live;
    // Each policy matters: without it a verdict above flips.
    const without = (name: string) => verdicts(policies.filter((p) => p.metadata.name !== name));
    assert.equal(without("anomaly-backend-from-ui").ui_to_backend_http, false);
    assert.equal(without("anomaly-backend-from-prometheus").prometheus_to_backend_http, false);
    assert.equal(without("anomaly-ui-from-anywhere").stranger_to_ui_http, false);
    assert.equal(without("default-deny-ingress").stranger_to_other_pod, true);

    // Enforcement: connect from a pod that no rule admits.
    fig.enforced = await probeEnforcement(await clusterIp("anomaly-backend"));
    fig.cni = "bridge (local-k8s.sh); kind's kindnet enforces NetworkPolicy";
  },
};

/**
 * Start a pod without the UI's label and let it open a TCP connection to the
 * backend Service. Connected means this CNI does not enforce the policies.
 */
async function probeEnforcement(backendIp: string): Promise<boolean> {
  const name = "netpol-probe";
  await kubectl(["-n", NS, "delete", "pod", name, "--ignore-not-found", "--wait=true"]);
  // An enforcing CNI drops the SYN, so the attempt gets a deadline instead of an error.
  const script =
    `const t = setTimeout(() => { console.log("blocked: timed out"); Deno.exit(0); }, 5000); ` +
    `try { const c = await Deno.connect({ hostname: "${backendIp}", port: 8000 }); c.close(); ` +
    `console.log("connected"); } catch (e) { console.log("blocked: " + e.message); } ` +
    `clearTimeout(t);`;
  const overrides: Any = {
    spec: {
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [{
        name,
        image: "localhost/anomaly-backend:0.1.0",
        imagePullPolicy: "Never",
        command: ["deno", "eval", "--no-check", script],
        env: [{ name: "DENO_DIR", value: "/tmp/deno" }],
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        resources: {
          requests: { cpu: "10m", memory: "32Mi" },
          limits: { cpu: "500m", memory: "128Mi" },
        },
      }],
    },
  };
  await kc([
    "-n",
    NS,
    "run",
    name,
    "--restart=Never",
    "--image=localhost/anomaly-backend:0.1.0",
    "--labels=run=netpol-probe",
    `--overrides=${JSON.stringify(overrides)}`,
  ]);
  try {
    const phase = await waitFor("the probe pod to finish", 90, async () => {
      const p = await getJson(["-n", NS, "get", "pod", name]);
      return ["Succeeded", "Failed"].includes(p.status.phase) ? p.status.phase : null;
    }, 1000);
    const out = (await kubectl(["-n", NS, "logs", name])).stdout.trim();
    log(`network policy probe: ${phase}, ${out}`);
    assert.match(out, /^(connected|blocked: .*)$/m, `unexpected probe output: ${out}`);
    return !/^connected$/m.test(out);
  } finally {
    await kubectl(["-n", NS, "delete", "pod", name, "--ignore-not-found", "--wait=false"]);
  }
}

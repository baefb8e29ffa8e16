/**
 * scripts/kind.sh: the dry-run prints the workshop's command sequence, the
 * defaults agree with the manifests, and the shell passes shellcheck.
 */
import assert from "node:assert/strict";
import { skipUnless } from "../../testing/tools.ts";
import { kustomize, ROOT } from "./_render.ts";
import { IMAGES } from "../e2e/main.ts";

const SCRIPT = "scripts/kind.sh";

function kindSh(args: string[], env: Record<string, string> = {}) {
  const out = new Deno.Command("bash", {
    args: [SCRIPT, ...args],
    cwd: ROOT,
    env: { CLUSTER: "", TAG: "", OVERLAY: "", TARGET: "", DOCKER: "", KIND_NODE_IMAGE: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    commands: decoder.decode(out.stdout).split("\n").filter((l) => l.startsWith("+ ")).map((l) =>
      l.slice(2)
    ),
    stderr: decoder.decode(out.stderr),
  };
}

const BUILD = [
  "docker build -f containers/Dockerfile.backend -t localhost/anomaly-backend:0.1.0 .",
  "docker build -f containers/Dockerfile.ui -t localhost/anomaly-ui:0.1.0 .",
];
const LOAD = [
  "kind load docker-image localhost/anomaly-backend:0.1.0 --name anomaly",
  "kind load docker-image localhost/anomaly-ui:0.1.0 --name anomaly",
];
const WAIT = [
  "kubectl -n anomaly rollout status deploy/anomaly-backend --timeout=180s",
  "kubectl -n anomaly rollout status deploy/anomaly-ui --timeout=180s",
];

Deno.test("`kind.sh --dry-run up` creates, installs metrics-server, builds, loads and applies in order", () => {
  const { code, commands } = kindSh(["--dry-run", "up"]);
  assert.equal(code, 0);
  assert.deepEqual(commands, [
    "kind create cluster --name anomaly --config k8s/kind-config.yaml --wait 120s",
    "kubectl config use-context kind-anomaly",
    "kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.7.2/components.yaml",
    `kubectl -n kube-system patch deploy metrics-server --type=json '-p=[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--kubelet-insecure-tls"}]'`,
    "kubectl -n kube-system rollout status deploy/metrics-server --timeout=180s",
    "kubectl wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=180s",
    ...BUILD,
    ...LOAD,
    "kubectl apply -k k8s/overlays/dev",
    ...WAIT,
  ]);
});

Deno.test("`kind.sh --dry-run redeploy` rebuilds, reloads, restarts and waits", () => {
  const { code, commands } = kindSh(["--dry-run", "redeploy"]);
  assert.equal(code, 0);
  assert.deepEqual(commands, [
    ...BUILD,
    ...LOAD,
    "kubectl -n anomaly rollout restart deploy/anomaly-backend deploy/anomaly-ui",
    ...WAIT,
  ]);
});

Deno.test("`kind.sh --dry-run` forward, status and down name the workshop's services and cluster", () => {
  assert.deepEqual(kindSh(["--dry-run", "forward"]).commands, [
    "kubectl -n anomaly port-forward svc/anomaly-backend 8000:8000",
    "kubectl -n anomaly port-forward svc/anomaly-ui 8501:8501",
  ]);
  assert.deepEqual(kindSh(["--dry-run", "status"]).commands, [
    "kubectl -n anomaly get deploy,pods,hpa -o wide",
    "kubectl -n anomaly top pods",
  ]);
  assert.deepEqual(kindSh(["--dry-run", "down"]).commands, ["kind delete cluster --name anomaly"]);
});

Deno.test("`kind.sh` honours OVERLAY, TARGET, TAG and CLUSTER", () => {
  const { commands } = kindSh(["--dry-run", "up"], {
    OVERLAY: "scaled",
    TARGET: "run",
    TAG: "0.2.0",
    CLUSTER: "demo",
  });
  assert.ok(
    commands.includes("kind create cluster --name demo --config k8s/kind-config.yaml --wait 120s"),
  );
  assert.ok(
    commands.includes(
      "docker build -f containers/Dockerfile.backend -t localhost/anomaly-backend:0.2.0 --target run .",
    ),
  );
  assert.ok(commands.includes("kind load docker-image localhost/anomaly-ui:0.2.0 --name demo"));
  assert.ok(commands.includes("kubectl apply -k k8s/overlays/scaled"));
});

Deno.test("`kind.sh COMMAND --dry-run` (as `deno task kind:up --dry-run` passes it) is a dry run too", () => {
  assert.deepEqual(kindSh(["down", "--dry-run"]).commands, ["kind delete cluster --name anomaly"]);
});

Deno.test("`kind.sh` rejects an unknown command and an unknown overlay with exit 2", () => {
  assert.equal(kindSh(["--dry-run", "bogus"]).code, 2);
  const { code, stderr, commands } = kindSh(["--dry-run", "apply"], { OVERLAY: "nope" });
  assert.equal(code, 2);
  assert.match(stderr, /no overlay k8s\/overlays\/nope/);
  assert.deepEqual(commands, []);
});

/** The image each Deployment of the dev overlay runs, by Deployment name. */
function manifestImages(): string[] {
  return ["anomaly-backend", "anomaly-ui"].map((name) =>
    kustomize("k8s/overlays/dev").find((o) => o.kind === "Deployment" && o.metadata.name === name)!
      .spec.template.spec.containers[0].image
  );
}

Deno.test({
  name: "kind.sh's default TAG and cluster name match the manifests and the kind config",
  ignore: skipUnless("kubectl"),
  fn() {
    const images = manifestImages();
    assert.deepEqual(images, ["localhost/anomaly-backend:0.1.0", "localhost/anomaly-ui:0.1.0"]);
    for (const image of images) {
      assert.ok(LOAD.includes(`kind load docker-image ${image} --name anomaly`), image);
    }
    const config = Deno.readTextFileSync(`${ROOT}k8s/kind-config.yaml`);
    assert.match(config, /^name: anomaly$/m);
  },
});

Deno.test({
  name: "the e2e, compose and kind.sh build and load the manifests' fully qualified image names",
  ignore: skipUnless("kubectl"),
  fn() {
    // One name whichever tool builds first: a short name means localhost/NAME to
    // podman but docker.io/library/NAME through the Docker API.
    const images = manifestImages();
    assert.deepEqual(IMAGES.map((i) => i.name), images);
    const compose = Deno.readTextFileSync(`${ROOT}containers/compose.yaml`);
    for (const image of images) assert.match(compose, new RegExp(`^    image: ${image}$`, "m"));
    for (const file of ["containers/compose.yaml", "k8s/e2e/scenarios/network_policy.ts"]) {
      const text = Deno.readTextFileSync(`${ROOT}${file}`);
      const short = text.match(/(?<![\w/.-])anomaly-(?:backend|ui):\d[\w.-]*/g) ?? [];
      assert.deepEqual(short, [], `${file} names an image without its registry`);
    }
  },
});

Deno.test({
  name: "shell scripts pass shellcheck",
  ignore: skipUnless("shellcheck"),
  fn() {
    const ci = [...Deno.readDirSync(`${ROOT}.ci/setup.d`)].map((e) => `.ci/setup.d/${e.name}`)
      .sort();
    const scripts = [SCRIPT, ".ci/run", ".ci/apt.sh", ...ci].filter((s) => {
      try {
        return Deno.statSync(`${ROOT}${s}`).isFile;
      } catch {
        return false;
      }
    });
    assert.ok(scripts.includes(SCRIPT));
    const out = new Deno.Command("shellcheck", {
      args: ["-x", ...scripts],
      cwd: ROOT,
      stdout: "piped",
    })
      .outputSync();
    assert.equal(out.success, true, new TextDecoder().decode(out.stdout));
  },
});

/**
 * KEDA on the e2e's local cluster, for the stream-lag scenario. Nothing can be
 * pulled here, so the operator and the metrics API server that
 * .ci/setup.d/65-keda.sh built from the Go module proxy go into one local
 * image (static binaries on an empty root, `localhost/keda-local:VERSION`),
 * and KEDA's own manifests from the same module (`config/minimal`: CRDs, RBAC,
 * operator, metrics API server, its APIService; no admission webhooks) are
 * applied with their images pointed at it. The operator makes the certificates
 * and injects the APIService's CA itself, as in a release install.
 */
import { relative } from "node:path";
import { kc, kubectl, log, mustRun, run, waitFor } from "./cluster.ts";

/** Where 65-keda.sh leaves binaries (bin/), KEDA's manifests (config/) and build times. */
export const KEDA_CACHE: string = Deno.env.get("KEDA_CACHE") || "/var/cache/local-keda";
/** The namespace KEDA's manifests install into. */
export const KEDA_NS = "keda";
/** The metrics API KEDA's adapter serves, through the apiserver's aggregation layer. */
export const EXTERNAL_METRICS_API = "v1beta1.external.metrics.k8s.io";

/** The KEDA version 65-keda.sh built (its stamp file), or null when it has not run. */
export function builtVersion(cache = KEDA_CACHE): string | null {
  try {
    const version = Deno.readTextFileSync(`${cache}/bin/.version`).trim();
    for (const f of ["bin/keda", "bin/keda-adapter", "config/minimal/kustomization.yaml"]) {
      if (!Deno.statSync(`${cache}/${f}`).isFile) return null;
    }
    return version || null;
  } catch {
    return null;
  }
}

/** The local image both KEDA Deployments run. */
export function kedaImage(version: string): string {
  return `localhost/keda-local:${version.replace(/^v/, "")}`;
}

/**
 * The kustomization that installs KEDA from the cached upstream manifests with the local image
 * (pulled never: IfNotPresent) in place of ghcr.io's. `configDir` is KEDA's `config/`, relative to
 * the kustomization (kustomize refuses absolute paths).
 */
export function installKustomization(configDir: string, version: string): string {
  const [name, tag] = kedaImage(version).split(":");
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ${configDir}/minimal
images:
  - name: ghcr.io/kedacore/keda
    newName: ${name}
    newTag: "${tag}"
  - name: ghcr.io/kedacore/keda-metrics-apiserver
    newName: ${name}
    newTag: "${tag}"
patches:
  - target:
      kind: Deployment
      namespace: ${KEDA_NS}
    patch: |-
      - op: replace
        path: /spec/template/spec/containers/0/imagePullPolicy
        value: IfNotPresent
`;
}

/** Build the local KEDA image with podman (seconds when it exists). */
export async function buildKedaImage(version: string, cache = KEDA_CACHE): Promise<string> {
  const image = kedaImage(version);
  if ((await run("podman", ["image", "exists", image])).code === 0) return image;
  const dir = await Deno.makeTempDir({ prefix: "keda-image-" });
  try {
    await Deno.copyFile(`${cache}/bin/keda`, `${dir}/keda`);
    await Deno.copyFile(`${cache}/bin/keda-adapter`, `${dir}/keda-adapter`);
    // Static (CGO_ENABLED=0) binaries need no base image; 65532 is distroless' nonroot user.
    await Deno.writeTextFile(
      `${dir}/Dockerfile`,
      "FROM scratch\nCOPY keda /keda\nCOPY keda-adapter /keda-adapter\nUSER 65532:65532\n" +
        'ENTRYPOINT ["/keda"]\n',
    );
    log(`podman build ${image} (KEDA ${version} from ${cache}/bin)`);
    await mustRun("podman", ["build", "--pull=never", "-t", image, dir], { timeoutS: 300 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return image;
}

/** KEDA's manifests as they are applied here (`kubectl kustomize` of {@link installKustomization}). */
export async function renderKeda(version: string, cache = KEDA_CACHE): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "keda-install-" });
  try {
    await Deno.writeTextFile(
      `${dir}/kustomization.yaml`,
      installKustomization(relative(dir, `${cache}/config`), version),
    );
    return (await mustRun("kubectl", ["kustomize", dir], { timeoutS: 60 })).stdout;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Apply KEDA's manifests and wait for both Deployments and the external metrics API. */
export async function installKeda(manifests: string): Promise<void> {
  // Server-side: the ScaledJob CRD is larger than client-side apply's annotation allows.
  await kc(["apply", "--server-side", "--force-conflicts", "-f", "-"], {
    stdin: manifests,
    timeoutS: 120,
  });
  for (const name of ["keda-operator", "keda-metrics-apiserver"]) {
    await kc(["-n", KEDA_NS, "rollout", "status", `deploy/${name}`, "--timeout=240s"], {
      timeoutS: 250,
    });
  }
  await waitFor(`the APIService ${EXTERNAL_METRICS_API} Available`, 120, async () => {
    const r = await kubectl(["get", "apiservice", EXTERNAL_METRICS_API, "-o", "json"]);
    if (r.code !== 0) return false;
    const conditions = JSON.parse(r.stdout).status?.conditions ?? [];
    return conditions.some((c: { type: string; status: string }) =>
      c.type === "Available" && c.status === "True"
    );
  }, 2000);
}

/**
 * Remove what {@link installKeda} applied: the APIService first (an unavailable aggregated API
 * stalls namespace deletion and discovery for every later kubectl), then the rest. ScaledObjects
 * must be gone before (their finalizer needs the operator). Idempotent.
 */
export async function uninstallKeda(manifests: string): Promise<void> {
  await kubectl(["delete", "apiservice", EXTERNAL_METRICS_API, "--ignore-not-found"]);
  await kubectl(["delete", "--ignore-not-found", "--wait=true", "-f", "-"], {
    stdin: manifests,
    timeoutS: 180,
  });
}

/** Teardown after an interrupted run: remove KEDA if its namespace is still there. */
export async function removeKedaIfPresent(): Promise<void> {
  const version = builtVersion();
  const present = (await kubectl(["get", "namespace", KEDA_NS, "-o", "name"])).code === 0;
  if (version !== null && present) await uninstallKeda(await renderKeda(version));
}

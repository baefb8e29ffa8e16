/**
 * Rendering and parsing helpers for the Kubernetes tests: `kubectl kustomize`
 * (kustomize v5 embedded in kubectl 1.32) and the npm `yaml` parser.
 */
import { parseAllDocuments } from "yaml";

/** A rendered Kubernetes object; only the fields the checks read are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // deno-lint-ignore no-explicit-any
  spec?: any;
  // deno-lint-ignore no-explicit-any
  [field: string]: any;
}

/** Absolute path of the repository root. */
export const ROOT: string = new URL("../../", import.meta.url).pathname;

/** Every kustomization the project ships, relative to the repository root. */
export const KUSTOMIZATIONS: readonly string[] = [
  "k8s",
  "k8s/base",
  "k8s/overlays/dev",
  "k8s/overlays/scaled",
  "k8s/overlays/persistent",
  "k8s/overlays/persistent-local",
  "k8s/overlays/lifecycle",
  "k8s/overlays/streaming",
  "k8s/overlays/streaming-keda",
  "k8s/e2e/overlays/hpa",
  "k8s/e2e/overlays/lifecycle-local",
  "k8s/e2e/overlays/stream-lag",
];

/** Parse a multi-document YAML stream into objects, skipping empty documents. */
export function parseObjects(text: string, source = "<yaml>"): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new SyntaxError(`${source}: ${doc.errors.map((e) => e.message).join("; ")}`);
    }
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || typeof value.kind !== "string") {
      throw new TypeError(`${source}: a document is not a Kubernetes object`);
    }
    objects.push(value as K8sObject);
  }
  return objects;
}

const cache = new Map<string, K8sObject[]>();

/** Render `dir` (relative to the repository root) with `kubectl kustomize`; cached per process. */
export function kustomize(dir: string): K8sObject[] {
  const hit = cache.get(dir);
  if (hit) return hit;
  const out = new Deno.Command("kubectl", {
    args: ["kustomize", dir],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(`kubectl kustomize ${dir} failed: ${decoder.decode(out.stderr).trim()}`);
  }
  const objects = parseObjects(decoder.decode(out.stdout), dir);
  cache.set(dir, objects);
  return objects;
}

/** Read and parse a YAML file given relative to the repository root. */
export function readObjects(path: string): K8sObject[] {
  return parseObjects(Deno.readTextFileSync(`${ROOT}${path}`), path);
}

/** `Kind/name` for messages and step names. */
export function ref(obj: K8sObject): string {
  return `${obj.kind}/${obj.metadata.name}`;
}

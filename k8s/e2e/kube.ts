/**
 * What the scenarios do to the cluster, on top of `kubectl`: apply an overlay
 * and wait for it, find Services and pods, sample the HPA, ask a pod over
 * HTTP, run the guide's own commands.
 */
import { getJson, kc, KUBECONFIG, kubectl, log, run, waitFor } from "./cluster.ts";
import type { E2eReport } from "./report.ts";
import type { ScaleSample } from "./timeline.ts";

/** The namespace every overlay uses (k8s/base/kustomization.yaml). */
export const NS = "anomaly";
/** Label selectors of the two workloads. */
export const BACKEND = "app.kubernetes.io/name=anomaly-backend";
export const UI = "app.kubernetes.io/name=anomaly-ui";

/** `kubectl apply -k DIR` (relative to the repository root). */
export async function applyOverlay(dir: string): Promise<void> {
  await kc(["apply", "-k", dir], { timeoutS: 120 });
}

/** Wait until both Deployments have rolled out completely. */
export async function waitRollouts(timeoutS = 240): Promise<void> {
  for (const name of ["anomaly-backend", "anomaly-ui"]) {
    await kc(["-n", NS, "rollout", "status", `deploy/${name}`, `--timeout=${timeoutS}s`], {
      timeoutS: timeoutS + 10,
    });
  }
}

/** Delete the namespace (and what the persistence overlays add outside it) and wait until it is gone. */
export async function resetNamespace(): Promise<void> {
  await kubectl(
    ["delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=180s"],
    {
      timeoutS: 200,
    },
  );
  await kubectl([
    "delete",
    "pv",
    "anomaly-models-local",
    "anomaly-kafka-local",
    "--ignore-not-found",
  ]);
  await kubectl(["delete", "storageclass", "anomaly-local", "--ignore-not-found"]);
}

/** A pod as the scenarios see it. */
export interface PodInfo {
  name: string;
  ip: string;
  ready: boolean;
  deleting: boolean;
  startedAt: string | null;
  readyAt: string | null;
  restarts: number;
}

/** Pods matching `selector` in the namespace. */
export async function pods(selector: string): Promise<PodInfo[]> {
  const list = await getJson(["-n", NS, "get", "pods", "-l", selector]);
  // deno-lint-ignore no-explicit-any
  return list.items.map((p: any) => {
    // deno-lint-ignore no-explicit-any
    const cond = (p.status.conditions ?? []).find((c: any) => c.type === "Ready");
    return {
      name: p.metadata.name,
      ip: p.status.podIP ?? "",
      ready: cond?.status === "True",
      deleting: !!p.metadata.deletionTimestamp,
      startedAt: p.status.startTime ?? null,
      readyAt: cond?.status === "True" ? cond.lastTransitionTime : null,
      restarts: p.status.containerStatuses?.[0]?.restartCount ?? 0,
    };
  });
}

/** The ClusterIP of a Service. */
export async function clusterIp(service: string): Promise<string> {
  const svc = await getJson(["-n", NS, "get", "service", service]);
  return svc.spec.clusterIP;
}

/** Base URLs of the two Services' ClusterIPs, reachable from the node (kube-proxy). */
export async function serviceUrls(): Promise<{ backend: string; ui: string }> {
  return {
    backend: `http://${await clusterIp("anomaly-backend")}:8000`,
    ui: `http://${await clusterIp("anomaly-ui")}:8501`,
  };
}

/** fetch with a timeout; the body read as JSON when it is JSON. */
export async function http(
  url: string,
  init: RequestInit = {},
  timeoutMs = 5000,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

/** Wait until `url` answers 200. */
export function waitHttpOk(url: string, timeoutS = 60): Promise<true> {
  return waitFor(`${url} to answer 200`, timeoutS, async () => {
    const r = await http(url, {}, 3000);
    return r.status === 200 || null;
  });
}

/** Current HPA state of the backend. */
export async function hpaState(): Promise<{ min: number; max: number; cpu: number | null }> {
  const hpa = await getJson(["-n", NS, "get", "hpa", "anomaly-backend"]);
  const cpu = hpa.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization;
  return {
    min: hpa.spec.minReplicas,
    max: hpa.spec.maxReplicas,
    cpu: typeof cpu === "number" ? cpu : null,
  };
}

/** Scale samples taken every `intervalMs` until stopped, with `t` in seconds from `origin`. */
export class ScaleSampler {
  readonly samples: ScaleSample[] = [];
  #stopped = false;
  #loop: Promise<void>;

  /** `Date.now()` that `t` counts from; {@link shift} moves it. */
  origin: number = Date.now();

  constructor(intervalMs = 2000) {
    this.#loop = (async () => {
      while (!this.#stopped) {
        const next = Date.now() + intervalMs;
        try {
          const [deploy, hpa] = await Promise.all([
            getJson(["-n", NS, "get", "deploy", "anomaly-backend"]),
            hpaState(),
          ]);
          this.samples.push({
            t: Math.round((Date.now() - this.origin) / 100) / 10,
            spec: deploy.spec.replicas ?? 0,
            ready: deploy.status.readyReplicas ?? 0,
            cpu: hpa.cpu,
          });
        } catch (error) {
          log(`sampler: ${error instanceof Error ? error.message : error}`);
        }
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      }
    })();
  }

  /** Re-base every sample (taken and future) on a new origin, e.g. when the load really started. */
  shift(newOrigin: number): void {
    const delta = (newOrigin - this.origin) / 1000;
    for (const s of this.samples) s.t = Math.round((s.t - delta) * 10) / 10;
    this.origin = newOrigin;
  }

  /** The latest sample, if any. */
  last(): ScaleSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** Stop sampling and wait for the loop to end. */
  async stop(): Promise<ScaleSample[]> {
    this.#stopped = true;
    await this.#loop;
    return this.samples;
  }
}

/** CPU use per pod in millicores from the metrics API (what `kubectl top pods` shows). */
export async function podCpu(): Promise<Map<string, number>> {
  const raw = await kc(["get", "--raw", `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods`]);
  const out = new Map<string, number>();
  for (const item of JSON.parse(raw).items ?? []) {
    let milli = 0;
    for (const c of item.containers ?? []) milli += cpuMilli(c.usage?.cpu ?? "0");
    out.set(item.metadata.name, milli);
  }
  return out;
}

/** Parse a CPU quantity of the metrics API ("12345678n", "15m", "1") into millicores. */
export function cpuMilli(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(quantity);
  if (!m) throw new RangeError(`Not a CPU quantity: "${quantity}"`);
  const value = Number(m[1]);
  const unit = m[2] ?? "";
  const factor: Record<string, number> = { n: 1e-6, u: 1e-3, m: 1, "": 1000 };
  return Math.round(value * factor[unit] * 10) / 10;
}

/**
 * Run one of the guide's commands, exactly as written, with the cluster's
 * kubeconfig; record it in the report. `adapt` may rewrite it (ports) the way
 * the guide test does.
 */
export async function guideCommand(
  report: E2eReport,
  command: string,
  options: { adapt?: (c: string) => string; timeoutS?: number } = {},
): Promise<string> {
  const text = options.adapt ? options.adapt(command) : command;
  const result = await run("bash", ["-o", "pipefail", "-c", text], {
    env: { KUBECONFIG },
    timeoutS: options.timeoutS ?? 120,
  });
  report.guide_commands.push({
    command,
    code: result.code,
    seconds: Math.round(result.seconds * 10) / 10,
  });
  if (result.code !== 0) {
    throw new Error(`Guide command failed (${result.code}): ${command}\n${result.stderr.trim()}`);
  }
  return result.stdout;
}

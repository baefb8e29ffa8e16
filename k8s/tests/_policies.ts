/**
 * Policy checks over rendered manifests: the Kubernetes workload checks
 * (K1–K19, docs/REQUIREMENTS.md) plus the drain budget (R1.6) and HPA
 * reachability (R1.15), as the tests of kube-score, Polaris and kube-linter
 * would run them, so `deno test` needs no linter binaries (docs/OFFLINE.md).
 *
 * Each check returns the list of problems for one object; an empty list means
 * it passes. Every check has `fixtures/<name>/success*.yaml` and
 * `failure*.yaml` (Polaris style) proving it can pass and fail.
 */
import type { K8sObject } from "./_render.ts";
import { ref } from "./_render.ts";

/** One policy: which kinds it looks at and how it judges one of them. */
export interface Policy {
  /** Requirement id (docs/REQUIREMENTS.md), e.g. "K1" or "R1.6". */
  id: string;
  /** Fixture folder name and exemption key. */
  name: string;
  /** Object kinds the check applies to. */
  kinds: readonly string[];
  /** Problems with `obj`; `all` is the whole rendered set (for cross-object checks). */
  check(obj: K8sObject, all: readonly K8sObject[]): string[];
}

/**
 * Annotation listing checks an object is exempt from (comma-separated names),
 * for documented exceptions such as the dev overlay's HPA minReplicas 1. It
 * only counts together with {@link EXEMPT_REASON}.
 */
export const EXEMPT_ANNOTATION = "policy.anomaly.workshop/exempt";
/** Annotation saying why the exemption is acceptable. */
export const EXEMPT_REASON = "policy.anomaly.workshop/exempt-reason";

/** Whether `obj` carries a justified exemption from `check`. */
export function isExempt(obj: K8sObject, check: string): boolean {
  const annotations = obj.metadata.annotations ?? {};
  const names = (annotations[EXEMPT_ANNOTATION] ?? "").split(",").map((s) => s.trim());
  return names.includes(check) && (annotations[EXEMPT_REASON] ?? "").trim().length > 0;
}

const WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet"] as const;
const UID_MIN = 10000;

// deno-lint-ignore no-explicit-any
type Any = any;

function podSpec(obj: K8sObject): Any {
  return obj.spec?.template?.spec ?? {};
}

function containers(obj: K8sObject): Any[] {
  const spec = podSpec(obj);
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

function namespaceOf(obj: K8sObject): string {
  return obj.metadata.namespace ?? "default";
}

function sameNamespace(all: readonly K8sObject[], obj: K8sObject, kind: string): K8sObject[] {
  return all.filter((o) => o.kind === kind && namespaceOf(o) === namespaceOf(obj));
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

function templateLabels(obj: K8sObject): Record<string, string> {
  return obj.spec?.template?.metadata?.labels ?? {};
}

/** Parse a Kubernetes CPU quantity ("250m", "1", "0.5") into cores. */
export function cpuCores(quantity: string | number | undefined): number | null {
  if (quantity === undefined) return null;
  const text = String(quantity);
  const milli = /^(\d+)m$/.exec(text);
  if (milli) return Number(milli[1]) / 1000;
  const cores = Number(text);
  return Number.isFinite(cores) ? cores : null;
}

/** Environment of a container: ConfigMaps from `envFrom` first, then `env` literals. */
export function resolveEnv(
  obj: K8sObject,
  container: Any,
  all: readonly K8sObject[],
): Map<string, string> {
  const env = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (!name) continue;
    const cm = sameNamespace(all, obj, "ConfigMap").find((c) => c.metadata.name === name);
    for (const [k, v] of Object.entries(cm?.data ?? {})) {
      env.set(`${source.prefix ?? ""}${k}`, String(v));
    }
  }
  for (const e of container.env ?? []) {
    if (typeof e.value === "string") env.set(e.name, e.value);
  }
  return env;
}

function hpasTargeting(obj: K8sObject, all: readonly K8sObject[]): K8sObject[] {
  return sameNamespace(all, obj, "HorizontalPodAutoscaler").filter((h) =>
    h.spec?.scaleTargetRef?.kind === obj.kind && h.spec?.scaleTargetRef?.name === obj.metadata.name
  );
}

function hpaTarget(hpa: K8sObject, all: readonly K8sObject[]): K8sObject | undefined {
  const target = hpa.spec?.scaleTargetRef ?? {};
  return sameNamespace(all, hpa, target.kind).find((o) => o.metadata.name === target.name);
}

function probeKey(probe: Any): string {
  return JSON.stringify(probe?.httpGet ?? probe?.tcpSocket ?? probe?.grpc ?? probe?.exec ?? null);
}

function probePortDeclared(probe: Any, container: Any): boolean {
  const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
  if (port === undefined) return true; // exec probes have no port
  return (container.ports ?? []).some((p: Any) =>
    typeof port === "string" ? p.name === port : p.containerPort === port
  );
}

function hasTag(image: string): boolean {
  const lastSegment = image.split("/").pop() ?? "";
  return lastSegment.includes(":") || image.includes("@sha256:");
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Every policy, in the order of their ids. */
export const POLICIES: readonly Policy[] = [
  {
    id: "K1",
    name: "run-as-non-root",
    kinds: WORKLOADS,
    check(obj) {
      const pod = podSpec(obj).securityContext ?? {};
      return containers(obj).flatMap((c) => {
        const sc = c.securityContext ?? {};
        const problems: string[] = [];
        if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) {
          problems.push(`container "${c.name}" does not set runAsNonRoot: true`);
        }
        for (const field of ["runAsUser", "runAsGroup"]) {
          const id = sc[field] ?? pod[field];
          if (typeof id !== "number" || id < UID_MIN) {
            problems.push(`container "${c.name}" ${field} is ${id ?? "unset"}, want >= ${UID_MIN}`);
          }
        }
        return problems;
      });
    },
  },
  {
    id: "K2",
    name: "read-only-root-fs",
    kinds: WORKLOADS,
    check(obj) {
      return containers(obj)
        .filter((c) => c.securityContext?.readOnlyRootFilesystem !== true)
        .map((c) => `container "${c.name}" does not set readOnlyRootFilesystem: true`);
    },
  },
  {
    id: "K3",
    name: "drop-all-capabilities",
    kinds: WORKLOADS,
    check(obj) {
      return containers(obj).flatMap((c) => {
        const caps = c.securityContext?.capabilities ?? {};
        const problems: string[] = [];
        if (!(caps.drop ?? []).includes("ALL")) {
          problems.push(`container "${c.name}" does not drop ALL capabilities`);
        }
        if ((caps.add ?? []).length > 0) {
          problems.push(`container "${c.name}" adds capabilities ${JSON.stringify(caps.add)}`);
        }
        return problems;
      });
    },
  },
  {
    id: "K4",
    name: "no-privilege-escalation",
    kinds: WORKLOADS,
    check(obj) {
      return containers(obj).flatMap((c) => {
        const sc = c.securityContext ?? {};
        const problems: string[] = [];
        if (sc.allowPrivilegeEscalation !== false) {
          problems.push(`container "${c.name}" does not set allowPrivilegeEscalation: false`);
        }
        if (sc.privileged === true) problems.push(`container "${c.name}" is privileged`);
        return problems;
      });
    },
  },
  {
    id: "K5",
    name: "seccomp-runtime-default",
    kinds: WORKLOADS,
    check(obj) {
      const podProfile = podSpec(obj).securityContext?.seccompProfile?.type;
      return containers(obj)
        .filter((c) => (c.securityContext?.seccompProfile?.type ?? podProfile) !== "RuntimeDefault")
        .map((c) => `container "${c.name}" does not run with seccompProfile RuntimeDefault`);
    },
  },
  {
    id: "K6",
    name: "resources",
    kinds: WORKLOADS,
    check(obj) {
      return containers(obj).flatMap((c) => {
        const problems: string[] = [];
        for (const kind of ["requests", "limits"]) {
          for (const resource of ["cpu", "memory", "ephemeral-storage"]) {
            if (c.resources?.[kind]?.[resource] === undefined) {
              problems.push(`container "${c.name}" has no ${resource} ${kind}`);
            }
          }
        }
        const request = cpuCores(c.resources?.requests?.cpu);
        const limit = cpuCores(c.resources?.limits?.cpu);
        if (request !== null && limit !== null && request > limit) {
          problems.push(`container "${c.name}" cpu request ${request} exceeds its limit ${limit}`);
        }
        return problems;
      });
    },
  },
  {
    id: "K7",
    name: "probes",
    kinds: WORKLOADS,
    check(obj) {
      return (podSpec(obj).containers ?? []).flatMap((c: Any) => {
        const problems: string[] = [];
        for (const probe of ["readinessProbe", "livenessProbe"]) {
          if (!c[probe]) problems.push(`container "${c.name}" has no ${probe}`);
        }
        if (
          c.readinessProbe && c.livenessProbe &&
          probeKey(c.readinessProbe) === probeKey(c.livenessProbe)
        ) {
          problems.push(`container "${c.name}" readiness and liveness probes are identical`);
        }
        for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
          if (c[probe] && !probePortDeclared(c[probe], c)) {
            problems.push(
              `container "${c.name}" ${probe} targets a port the container does not declare`,
            );
          }
        }
        return problems;
      });
    },
  },
  {
    id: "K8",
    name: "image-tag",
    kinds: WORKLOADS,
    check(obj) {
      return containers(obj).flatMap((c) => {
        const image = String(c.image ?? "");
        if (!hasTag(image)) return [`container "${c.name}" image "${image}" has no tag`];
        if (/:latest$/.test(image)) return [`container "${c.name}" image "${image}" uses latest`];
        return [];
      });
    },
  },
  {
    id: "K9",
    name: "pdb-covers-workload",
    kinds: WORKLOADS,
    check(obj, all) {
      const matchLabels = obj.spec?.selector?.matchLabels ?? {};
      const pdbs = sameNamespace(all, obj, "PodDisruptionBudget").filter((p) =>
        JSON.stringify(p.spec?.selector?.matchLabels ?? {}) === JSON.stringify(matchLabels)
      );
      return pdbs.length === 1 ? [] : [
        `${
          ref(obj)
        } is covered by ${pdbs.length} PodDisruptionBudgets with its exact selector, want 1`,
      ];
    },
  },
  {
    id: "K9",
    name: "pdb-policy",
    kinds: ["PodDisruptionBudget"],
    check(obj) {
      const spec = obj.spec ?? {};
      const problems: string[] = [];
      if (obj.apiVersion !== "policy/v1") {
        problems.push(`apiVersion is ${obj.apiVersion}, want policy/v1`);
      }
      if (spec.minAvailable !== undefined) {
        problems.push("uses minAvailable; use maxUnavailable: 1");
      }
      const max = spec.maxUnavailable;
      if (max === undefined || max === 0 || max === "0%") {
        problems.push(`maxUnavailable is ${max ?? "unset"}: blocks every voluntary eviction`);
      }
      if (spec.unhealthyPodEvictionPolicy !== "AlwaysAllow") {
        problems.push("unhealthyPodEvictionPolicy is not AlwaysAllow");
      }
      return problems;
    },
  },
  {
    id: "K10",
    name: "network-policy-default-deny",
    kinds: ["Namespace"],
    check(obj, all) {
      const deny = all.some((p) =>
        p.kind === "NetworkPolicy" && p.metadata.namespace === obj.metadata.name &&
        Object.keys(p.spec?.podSelector ?? {}).length === 0 &&
        (p.spec?.policyTypes ?? []).includes("Ingress") && (p.spec?.ingress ?? []).length === 0
      );
      return deny
        ? []
        : [`namespace "${obj.metadata.name}" has no default-deny ingress NetworkPolicy`];
    },
  },
  {
    id: "K10",
    name: "network-policy-targets-pods",
    kinds: ["NetworkPolicy"],
    check(obj, all) {
      const selector = obj.spec?.podSelector?.matchLabels ?? {};
      const targets = WORKLOADS.flatMap((k) => sameNamespace(all, obj, k))
        .filter((w) => matches(selector, templateLabels(w)));
      if (targets.length === 0) return ["selects no pods"];
      const problems: string[] = [];
      for (const rule of obj.spec?.ingress ?? []) {
        for (const port of rule.ports ?? []) {
          if (typeof port.port !== "string") continue;
          for (const target of targets) {
            const declared = containers(target).some((c) =>
              (c.ports ?? []).some((p: Any) => p.name === port.port)
            );
            if (!declared) problems.push(`port "${port.port}" is not declared by ${ref(target)}`);
          }
        }
      }
      return problems;
    },
  },
  {
    id: "K11",
    name: "hpa-min-replicas",
    kinds: ["HorizontalPodAutoscaler"],
    check(obj) {
      const min = obj.spec?.minReplicas ?? 1;
      return min >= 2 ? [] : [`minReplicas is ${min}, want >= 2`];
    },
  },
  {
    id: "K11",
    name: "hpa-shape",
    kinds: ["HorizontalPodAutoscaler"],
    check(obj, all) {
      const problems: string[] = [];
      if (obj.apiVersion !== "autoscaling/v2") {
        problems.push(`apiVersion is ${obj.apiVersion}, want autoscaling/v2`);
      }
      const min = obj.spec?.minReplicas ?? 1;
      if (!(obj.spec?.maxReplicas > min)) {
        problems.push(`maxReplicas ${obj.spec?.maxReplicas} is not above minReplicas ${min}`);
      }
      if ((obj.spec?.metrics ?? []).length === 0) problems.push("has no metrics");
      const target = hpaTarget(obj, all);
      if (!target) problems.push("scaleTargetRef names no rendered workload");
      else if (target.spec?.replicas !== undefined) {
        problems.push(`${ref(target)} sets spec.replicas, which fights the HPA`);
      }
      return problems;
    },
  },
  {
    id: "K12",
    name: "hpa-behavior",
    kinds: ["HorizontalPodAutoscaler"],
    check(obj) {
      const behavior = obj.spec?.behavior ?? {};
      return ["scaleUp", "scaleDown"].flatMap((direction) => {
        const b = behavior[direction];
        if (!b) return [`behavior.${direction} is not set`];
        const problems: string[] = [];
        if (typeof b.stabilizationWindowSeconds !== "number") {
          problems.push(`behavior.${direction}.stabilizationWindowSeconds is not set`);
        }
        if ((b.policies ?? []).length === 0) {
          problems.push(`behavior.${direction}.policies is empty`);
        }
        return problems;
      });
    },
  },
  {
    id: "R1.15",
    name: "hpa-target-reachable",
    kinds: ["HorizontalPodAutoscaler"],
    check(obj, all) {
      const target = hpaTarget(obj, all);
      if (!target) return ["scaleTargetRef names no rendered workload"];
      const problems: string[] = [];
      for (const metric of obj.spec?.metrics ?? []) {
        if (metric.type !== "Resource" || metric.resource?.name !== "cpu") continue;
        const percent = metric.resource?.target?.averageUtilization;
        if (typeof percent !== "number") {
          problems.push("cpu metric has no averageUtilization target");
          continue;
        }
        for (const c of podSpec(target).containers ?? []) {
          const request = cpuCores(c.resources?.requests?.cpu);
          if (request === null) {
            problems.push(`container "${c.name}" has no cpu request, so utilization is unknown`);
            continue;
          }
          // One server process is one event loop: about one core. WORKERS
          // processes can use up to WORKERS cores, capped by the CPU limit.
          const workers = Number(resolveEnv(target, c, all).get("WORKERS") ?? "1");
          const limit = cpuCores(c.resources?.limits?.cpu) ?? Infinity;
          const reachable = Math.min(limit, workers);
          const needed = (percent / 100) * request;
          if (needed > 0.9 * reachable) {
            problems.push(
              `container "${c.name}": ${percent}% of ${request} cores = ${needed} cores, ` +
                `above 90% of the ${reachable} cores its workers can use`,
            );
          }
        }
      }
      return problems;
    },
  },
  {
    id: "K13",
    name: "topology-spread",
    kinds: ["Deployment"],
    check(obj) {
      const spec = podSpec(obj);
      const problems: string[] = [];
      const spread = (spec.topologySpreadConstraints ?? []).filter((t: Any) =>
        t.topologyKey === "kubernetes.io/hostname"
      );
      if (spread.length === 0) {
        problems.push("no topologySpreadConstraint on kubernetes.io/hostname");
      }
      for (const t of spread) {
        if (t.whenUnsatisfiable !== "ScheduleAnyway") {
          problems.push(
            "topology spread is not ScheduleAnyway: pods stay Pending on one-node kind",
          );
        }
        if (!matches(t.labelSelector?.matchLabels, templateLabels(obj))) {
          problems.push("topology spread labelSelector does not match the pod labels");
        }
      }
      const anti = spec.affinity?.podAntiAffinity ?? {};
      if ((anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).length === 0) {
        problems.push("no preferred pod anti-affinity");
      }
      if ((anti.requiredDuringSchedulingIgnoredDuringExecution ?? []).length > 0) {
        problems.push("required pod anti-affinity leaves replicas Pending on one-node kind");
      }
      return problems;
    },
  },
  {
    id: "K14",
    name: "rolling-update",
    kinds: ["Deployment"],
    check(obj) {
      const strategy = obj.spec?.strategy ?? {};
      const problems: string[] = [];
      if (strategy.type !== "RollingUpdate") {
        problems.push(`strategy is ${strategy.type ?? "unset"}`);
      }
      const rolling = strategy.rollingUpdate ?? {};
      if (rolling.maxUnavailable !== 0) {
        problems.push(`maxUnavailable is ${rolling.maxUnavailable ?? "unset (25%)"}, want 0`);
      }
      if (!(rolling.maxSurge === undefined || Number.parseInt(String(rolling.maxSurge)) >= 1)) {
        problems.push(`maxSurge is ${rolling.maxSurge}, want >= 1`);
      }
      return problems;
    },
  },
  {
    id: "R1.6",
    name: "drain-budget",
    kinds: WORKLOADS,
    check(obj, all) {
      // Workloads an HPA scales lose pods under load at every scale-in, so
      // they must drain; the budget must fit in the grace period.
      if (hpasTargeting(obj, all).length === 0) return [];
      const grace = podSpec(obj).terminationGracePeriodSeconds ?? 30;
      return (podSpec(obj).containers ?? []).flatMap((c: Any) => {
        const env = resolveEnv(obj, c, all);
        const drain = Number(env.get("DRAIN_DELAY_S"));
        const deadline = Number(env.get("SHUTDOWN_DEADLINE_S"));
        const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
        if (!env.has("DRAIN_DELAY_S") || !env.has("SHUTDOWN_DEADLINE_S")) {
          return [`container "${c.name}" does not set DRAIN_DELAY_S and SHUTDOWN_DEADLINE_S`];
        }
        const problems: string[] = [];
        if (!(drain + preStop > 0)) {
          problems.push(
            `container "${c.name}" has no drain delay (DRAIN_DELAY_S or preStop sleep)`,
          );
        }
        const budget = preStop + drain + deadline;
        if (!(budget < grace)) {
          problems.push(
            `container "${c.name}": preStop ${preStop} + DRAIN_DELAY_S ${drain} + ` +
              `SHUTDOWN_DEADLINE_S ${deadline} = ${budget} s, not below the ${grace} s grace period`,
          );
        }
        return problems;
      });
    },
  },
  {
    id: "K15",
    name: "service-account",
    kinds: WORKLOADS,
    check(obj, all) {
      const spec = podSpec(obj);
      const problems: string[] = [];
      if (spec.automountServiceAccountToken !== false) {
        problems.push("pod does not set automountServiceAccountToken: false");
      }
      const name = spec.serviceAccountName;
      if (!name || name === "default") problems.push("pod uses the default ServiceAccount");
      else {
        const sa = sameNamespace(all, obj, "ServiceAccount").find((s) => s.metadata.name === name);
        if (!sa) problems.push(`ServiceAccount "${name}" is not in the rendered output`);
        else if (sa.automountServiceAccountToken !== false) {
          problems.push(
            `ServiceAccount "${name}" does not set automountServiceAccountToken: false`,
          );
        }
      }
      return problems;
    },
  },
  {
    id: "K16",
    name: "namespace",
    kinds: [
      ...WORKLOADS,
      "Service",
      "ConfigMap",
      "ServiceAccount",
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
      "NetworkPolicy",
      "PersistentVolumeClaim",
    ],
    check(obj) {
      const ns = obj.metadata.namespace;
      return ns && ns !== "default" ? [] : [`namespace is ${ns ?? "unset"}`];
    },
  },
  {
    id: "K17",
    name: "service",
    kinds: ["Service"],
    check(obj, all) {
      const problems: string[] = [];
      const type = obj.spec?.type ?? "ClusterIP";
      if (type !== "ClusterIP") problems.push(`type is ${type}, want ClusterIP`);
      const selector = obj.spec?.selector ?? {};
      const pods = WORKLOADS.flatMap((k) => sameNamespace(all, obj, k))
        .filter((w) => Object.keys(selector).length > 0 && matches(selector, templateLabels(w)));
      if (pods.length === 0) problems.push("selector matches no pod template");
      for (const port of obj.spec?.ports ?? []) {
        if (typeof port.targetPort !== "string") {
          problems.push(`port ${port.port} targetPort is not a named port`);
          continue;
        }
        for (const w of pods) {
          const declared = containers(w).some((c) =>
            (c.ports ?? []).some((p: Any) => p.name === port.targetPort)
          );
          if (!declared) {
            problems.push(`targetPort "${port.targetPort}" is not declared by ${ref(w)}`);
          }
        }
      }
      return problems;
    },
  },
  {
    id: "K18",
    name: "no-host-access",
    kinds: WORKLOADS,
    check(obj) {
      const spec = podSpec(obj);
      const problems: string[] = [];
      for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (spec[field] === true) problems.push(`pod sets ${field}`);
      }
      for (const v of spec.volumes ?? []) {
        if (v.hostPath) problems.push(`volume "${v.name}" is a hostPath (${v.hostPath.path})`);
      }
      for (const c of containers(obj)) {
        for (const p of c.ports ?? []) {
          if (p.hostPort !== undefined) {
            problems.push(`container "${c.name}" uses hostPort ${p.hostPort}`);
          }
        }
        for (const m of c.volumeMounts ?? []) {
          if (String(m.mountPath).includes("docker.sock")) {
            problems.push(`container "${c.name}" mounts ${m.mountPath}`);
          }
        }
      }
      return problems;
    },
  },
  {
    id: "K19",
    name: "selector-labels-env",
    kinds: WORKLOADS,
    check(obj) {
      const problems: string[] = [];
      const matchLabels = obj.spec?.selector?.matchLabels ?? {};
      if (Object.keys(matchLabels).length === 0) problems.push("selector.matchLabels is empty");
      if (!matches(matchLabels, templateLabels(obj))) {
        problems.push("selector.matchLabels is not a subset of the pod template labels");
      }
      const labels = { ...obj.metadata.labels, ...templateLabels(obj) };
      for (const [k, v] of Object.entries(labels)) {
        if (v.length > 63 || !LABEL_VALUE.test(v)) {
          problems.push(`label ${k}="${v}" is not a valid value`);
        }
      }
      for (const c of containers(obj)) {
        const names = (c.env ?? []).map((e: Any) => e.name);
        const dupes = names.filter((n: string, i: number) => names.indexOf(n) !== i);
        if (dupes.length > 0) {
          problems.push(`container "${c.name}" repeats env ${dupes.join(", ")}`);
        }
      }
      return problems;
    },
  },
  {
    id: "K19",
    name: "config-refs-resolve",
    kinds: WORKLOADS,
    check(obj, all) {
      const configMaps = new Set(sameNamespace(all, obj, "ConfigMap").map((c) => c.metadata.name));
      const claims = new Set(
        sameNamespace(all, obj, "PersistentVolumeClaim").map((c) => c.metadata.name),
      );
      const problems: string[] = [];
      for (const c of containers(obj)) {
        for (const source of c.envFrom ?? []) {
          const name = source.configMapRef?.name;
          if (name && !configMaps.has(name)) {
            problems.push(
              `container "${c.name}" envFrom names ConfigMap "${name}", which is not rendered`,
            );
          }
        }
        // A StatefulSet's volumeClaimTemplates are volumes of its pods too.
        const volumes = new Set([
          ...(podSpec(obj).volumes ?? []).map((v: Any) => v.name),
          ...(obj.spec?.volumeClaimTemplates ?? []).map((t: Any) => t.metadata?.name),
        ]);
        for (const m of c.volumeMounts ?? []) {
          if (!volumes.has(m.name)) {
            problems.push(`container "${c.name}" mounts unknown volume "${m.name}"`);
          }
        }
      }
      for (const v of podSpec(obj).volumes ?? []) {
        const claim = v.persistentVolumeClaim?.claimName;
        if (claim && !claims.has(claim)) {
          problems.push(`volume "${v.name}" claims "${claim}", which is not rendered`);
        }
      }
      return problems;
    },
  },
];

/** Problems of `obj` under `policy`, honouring justified exemptions. */
export function evaluate(policy: Policy, obj: K8sObject, all: readonly K8sObject[]): string[] {
  if (isExempt(obj, policy.name)) return [];
  return policy.check(obj, all);
}

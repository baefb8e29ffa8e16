/**
 * What a set of NetworkPolicies allows, computed the way the Kubernetes
 * NetworkPolicy API defines it (ingress only, which is all k8s/base uses):
 * a pod that no ingress policy selects accepts everything; a selected pod
 * accepts a connection when some rule of some selecting policy matches both
 * the source (pod and namespace selectors, ipBlock) and the port (number or
 * the target container's port name, protocol, endPort).
 *
 * The e2e's network-policy scenario evaluates the live objects with this,
 * because the local cluster's bridge CNI does not enforce policies; an
 * enforcing CNI (kind's kindnet, Calico, Cilium) applies the same rules.
 */

/** A label selector (`matchLabels` and `matchExpressions`). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** The parts of a NetworkPolicy this evaluates. */
export interface NetworkPolicy {
  metadata: { name: string; namespace?: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: string[];
    ingress?: {
      from?: {
        podSelector?: LabelSelector;
        namespaceSelector?: LabelSelector;
        ipBlock?: { cidr: string; except?: string[] };
      }[];
      ports?: { protocol?: string; port?: number | string; endPort?: number }[];
    }[];
  };
}

/** A pod as a connection end: where it lives, its labels, its IP, its named ports. */
export interface Endpoint {
  namespace: string;
  namespaceLabels: Record<string, string>;
  labels: Record<string, string>;
  ip: string;
  /** Container port names → numbers (for named ports in rules). */
  ports?: Record<string, number>;
}

/** Whether `selector` matches `labels` (an empty selector matches everything). */
export function selects(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[e.key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        throw new RangeError(`Unknown selector operator "${e.operator}"`);
    }
  }
  return true;
}

function ipv4(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RangeError(`Not an IPv4 address: "${ip}"`);
  }
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** Whether IPv4 `ip` lies in `cidr`. */
export function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split("/");
  const n = Number(bits ?? 32);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return ((ipv4(ip) & mask) >>> 0) === ((ipv4(net) & mask) >>> 0);
}

function isIngress(policy: NetworkPolicy): boolean {
  const types = policy.spec.policyTypes;
  // Without policyTypes a policy is an ingress policy (egress only if it has egress rules).
  return !types || types.includes("Ingress");
}

/** The ingress policies that select `target`. */
export function selecting(policies: readonly NetworkPolicy[], target: Endpoint): NetworkPolicy[] {
  return policies.filter((p) =>
    (p.metadata.namespace ?? "default") === target.namespace && isIngress(p) &&
    selects(p.spec.podSelector, target.labels)
  );
}

/** Whether a TCP (or `protocol`) connection from `source` to `target` on `port` is allowed. */
export function allows(
  policies: readonly NetworkPolicy[],
  source: Endpoint,
  target: Endpoint,
  port: number,
  protocol = "TCP",
): boolean {
  const applicable = selecting(policies, target);
  if (applicable.length === 0) return true;
  return applicable.some((policy) =>
    (policy.spec.ingress ?? []).some((rule) => {
      const fromOk = !rule.from || rule.from.length === 0 || rule.from.some((peer) => {
        if (peer.ipBlock) {
          return inCidr(source.ip, peer.ipBlock.cidr) &&
            !(peer.ipBlock.except ?? []).some((c) => inCidr(source.ip, c));
        }
        const nsOk = peer.namespaceSelector
          ? selects(peer.namespaceSelector, source.namespaceLabels)
          : source.namespace === (policy.metadata.namespace ?? "default");
        const podOk = peer.podSelector ? selects(peer.podSelector, source.labels) : true;
        return nsOk && podOk;
      });
      const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p) => {
        if ((p.protocol ?? "TCP") !== protocol) return false;
        if (p.port === undefined) return true;
        const number = typeof p.port === "number" ? p.port : target.ports?.[p.port];
        if (number === undefined) return false;
        return p.endPort ? port >= number && port <= p.endPort : port === number;
      });
      return fromOk && portOk;
    })
  );
}

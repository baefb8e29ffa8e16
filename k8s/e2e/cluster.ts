/**
 * The cluster the end-to-end run uses: the shared `local-k8s.sh` tool (a
 * single-node Kubernetes built from the Go module proxy and Debian, see
 * docs/KUBERNETES.md), driven as a child process, plus a small `kubectl`
 * wrapper bound to its kubeconfig.
 */
import { print, printError } from "../../lib/logger.ts";
import { ROOT } from "../tests/_render.ts";

/** Where `local-k8s.sh up` writes the admin kubeconfig. */
export const KUBECONFIG = "/var/lib/local-k8s/admin.kubeconfig";
/** Where `local-k8s.sh build` puts the binaries; their presence means "built". */
export const BIN_DIR = "/var/cache/local-k8s/bin";

/** Result of a finished command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

const decoder = new TextDecoder();

/** Whether this process runs as root (local-k8s.sh needs root; otherwise `sudo -n`). */
function isRoot(): boolean {
  return Deno.uid() === 0;
}

/** Children started by {@link run} and still running, so an interrupt can end them. */
const children = new Set<Deno.ChildProcess>();

/** Send SIGTERM to every child still running (on Ctrl-C / SIGTERM, before teardown). */
export function terminateChildren(): void {
  for (const child of children) {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
  }
}

/** Register a child started elsewhere (k6, port-forward) so {@link terminateChildren} ends it too. */
export function track(child: Deno.ChildProcess): Deno.ChildProcess {
  children.add(child);
  child.status.finally(() => children.delete(child));
  return child;
}

/** Run `cmd args...` to completion, capturing output; never throws on a non-zero exit. */
export async function run(
  cmd: string,
  args: string[],
  options: {
    env?: Record<string, string> | undefined;
    stdin?: string | undefined;
    cwd?: string | undefined;
    timeoutS?: number | undefined;
  } = {},
): Promise<CommandResult> {
  const started = performance.now();
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd ?? ROOT,
    ...(options.env ? { env: options.env } : {}),
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  track(child);
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (options.timeoutS) {
    timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }, options.timeoutS * 1000);
  }
  const out = await child.output();
  clearTimeout(timer);
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Like {@link run} but throws with the command's output when it fails. */
export async function mustRun(
  cmd: string,
  args: string[],
  options: Parameters<typeof run>[2] = {},
): Promise<CommandResult> {
  const result = await run(cmd, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${result.code}:\n${
        (result.stderr || result.stdout).slice(-3000)
      }`,
    );
  }
  return result;
}

/** Path of local-k8s.sh: $LOCAL_K8S, else ../shared/tools/ beside the repository. */
export function findLocalK8s(): string {
  const path = Deno.env.get("LOCAL_K8S") || `${ROOT}../shared/tools/local-k8s.sh`;
  try {
    if (Deno.statSync(path).isFile) return path;
  } catch {
    // reported below
  }
  throw new Error(`local-k8s.sh not found at ${path}; set LOCAL_K8S to its path`);
}

/** The shared cluster tool, run as root. */
export class LocalK8s {
  constructor(readonly script: string = findLocalK8s()) {}

  /** Run one `local-k8s.sh` command, streaming its log lines to stderr with a prefix. */
  async tool(args: string[], timeoutS = 3600): Promise<CommandResult> {
    const [cmd, argv] = isRoot()
      ? ["bash", [this.script, ...args]]
      : ["sudo", ["-n", "bash", this.script, ...args]];
    const result = await run(cmd, argv, { timeoutS });
    if (result.code !== 0) {
      throw new Error(
        `local-k8s.sh ${args.join(" ")} exited ${result.code}:\n${result.stderr.slice(-4000)}`,
      );
    }
    return result;
  }

  /** Whether `local-k8s.sh build` has produced every binary `up` needs. */
  built(): boolean {
    const needed = [
      "kube-apiserver",
      "kube-controller-manager",
      "kube-scheduler",
      "kube-proxy",
      "kubelet",
      "crictl",
      "metrics-server",
    ];
    return needed.every((name) => {
      try {
        return Deno.statSync(`${BIN_DIR}/${name}`).isFile;
      } catch {
        return false;
      }
    });
  }

  /** Whether the API server answers with the admin kubeconfig. */
  async running(): Promise<boolean> {
    try {
      Deno.statSync(KUBECONFIG);
    } catch {
      return false;
    }
    const r = await kubectl(["get", "--raw", "/readyz"], { timeoutS: 10 });
    return r.code === 0 && r.stdout.trim() === "ok";
  }

  /** `build` (idempotent; seconds when cached, ~30 min cold). */
  async build(): Promise<number> {
    print("[e2e] building the cluster binaries (local-k8s.sh build; ~30 min on a cold cache)");
    return (await this.tool(["build"], 5400)).seconds;
  }

  /** `up`: start every component and wait for a Ready node and the metrics API. */
  async up(): Promise<number> {
    return (await this.tool(["up"], 600)).seconds;
  }

  /** `down`: stop what `up` started and remove its network plumbing; keeps state. */
  async down(): Promise<number> {
    return (await this.tool(["down"], 300)).seconds;
  }

  /** `reset`: `down`, then delete the cluster state (PKI, etcd, containerd store); binaries stay. */
  async reset(): Promise<number> {
    return (await this.tool(["reset"], 300)).seconds;
  }

  /** Copy podman images into the node's containerd. */
  async loadImages(images: string[]): Promise<number> {
    return (await this.tool(["load-image", ...images], 900)).seconds;
  }
}

/** Run kubectl against the local cluster. */
export function kubectl(
  args: string[],
  options: { stdin?: string; timeoutS?: number } = {},
): Promise<CommandResult> {
  return run("kubectl", args, {
    env: { KUBECONFIG },
    stdin: options.stdin,
    timeoutS: options.timeoutS ?? 120,
  });
}

/** kubectl that throws on failure. */
export async function kc(
  args: string[],
  options: { stdin?: string; timeoutS?: number } = {},
): Promise<string> {
  const result = await kubectl(args, options);
  if (result.code !== 0) {
    throw new Error(
      `kubectl ${args.join(" ")} exited ${result.code}: ${(result.stderr || result.stdout).trim()}`,
    );
  }
  return result.stdout;
}

/** `kubectl get -o json`, parsed. */
// deno-lint-ignore no-explicit-any
export async function getJson(args: string[]): Promise<any> {
  return JSON.parse(await kc([...args, "-o", "json"]));
}

/** Print a line of progress to stderr. */
export function log(message: string): void {
  printError(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Poll `probe` every `intervalMs` until it returns a non-null value or `timeoutS` passes. */
export async function waitFor<T>(
  what: string,
  timeoutS: number,
  probe: () => Promise<T | null | undefined | false>,
  intervalMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutS * 1000;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `Timed out after ${timeoutS} s waiting for ${what}${
      lastError
        ? ` (last error: ${lastError instanceof Error ? lastError.message : lastError})`
        : ""
    }`,
  );
}

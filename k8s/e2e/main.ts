/**
 * `deno task k8s:e2e [--keep] [--only a,b]`: the workshop's Kubernetes session
 * on a live single-node cluster, end to end.
 *
 * 1. Cluster: the shared local-k8s.sh (`build` when its binaries are missing,
 *    ~30 min cold; `up` ~45 s). A cluster that is already running is used and
 *    left running.
 * 2. Images: both Dockerfiles' `run` target built with podman over the local
 *    base-image stand-ins (containers/tests/prepare_base_images.sh), then
 *    `load-image`d into the node.
 * 3. Scenarios (k8s/e2e/scenarios/), each with assertions and figures, in
 *    order: dev, network-policy, hpa, port-forward, rollout, pod-kill,
 *    persistent, model-lifecycle, scaled, stream-lag (KEDA, built by
 *    .ci/setup.d/65-keda.sh; it installs and removes KEDA itself).
 * 4. Report: JSON at $E2E_REPORT (default .tmp/k8s-e2e.json), the HPA chart
 *    beside it (.svg), a summary on stdout.
 * 5. Teardown, also on failure and Ctrl-C: the namespace and the local PVs go;
 *    the cluster goes down if this run started it. `--keep` leaves all up.
 *
 * Exit code 0 only when every scenario passed.
 */
import { print } from "../../lib/logger.ts";
import { ROOT } from "../tests/_render.ts";
import { renderChart } from "./chart.ts";
import { kubectl, LocalK8s, log, mustRun, run, terminateChildren } from "./cluster.ts";
import { removeKedaIfPresent } from "./keda.ts";
import { resetNamespace } from "./kube.ts";
import { type E2eReport, newReport, summarize } from "./report.ts";
import type { Context, Scenario } from "./scenario.ts";
import { dev } from "./scenarios/dev.ts";
import { hpa } from "./scenarios/hpa.ts";
import { networkPolicy } from "./scenarios/network_policy.ts";
import { modelLifecycle } from "./scenarios/model_lifecycle.ts";
import { MODEL_HOST_DIR, persistent } from "./scenarios/persistent.ts";
import { podKill } from "./scenarios/pod_kill.ts";
import { portForward } from "./scenarios/port_forward.ts";
import { rollout } from "./scenarios/rollout.ts";
import { scaled } from "./scenarios/scaled.ts";
import { KAFKA_HOST_DIR, streamLag } from "./scenarios/stream_lag.ts";

/** Every scenario, in the order they run (later ones build on the state earlier ones leave). */
export const SCENARIOS: readonly Scenario[] = [
  dev,
  networkPolicy,
  hpa,
  portForward,
  rollout,
  podKill,
  persistent,
  modelLifecycle,
  scaled,
  streamLag,
];

/**
 * The images the overlays name (k8s/base/kustomization.yaml `images:`), fully
 * qualified: a build through the Docker API (containers/tests) and podman here
 * then write the same name, whichever ran first.
 */
export const IMAGES = [
  { name: "localhost/anomaly-backend:0.1.0", dockerfile: "containers/Dockerfile.backend" },
  { name: "localhost/anomaly-ui:0.1.0", dockerfile: "containers/Dockerfile.ui" },
];

const seconds = (start: number) => Math.round((performance.now() - start) / 100) / 10;

/** Parsed command line. */
export interface Args {
  keep: boolean;
  only: string[] | null;
}

/** Parse `--keep` and `--only a,b`; throws RangeError on anything else. */
export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { keep: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--keep") args.keep = true;
    else if (a === "--only" || a.startsWith("--only=")) {
      const value = a === "--only" ? argv[++i] : a.slice("--only=".length);
      if (!value) throw new RangeError("--only needs a comma-separated list of scenarios");
      const names = value.split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
      if (unknown.length > 0) {
        throw new RangeError(
          `Unknown scenario "${unknown.join('", "')}"; known: ${
            SCENARIOS.map((s) => s.name).join(", ")
          }`,
        );
      }
      args.only = names;
    } else throw new RangeError(`Unknown argument "${a}" (use --keep, --only a,b)`);
  }
  return args;
}

async function buildImages(report: E2eReport): Promise<void> {
  const t0 = performance.now();
  await mustRun("bash", ["containers/tests/prepare_base_images.sh"], { timeoutS: 1200 });
  for (const image of IMAGES) {
    log(`podman build --target run ${image.name}`);
    await mustRun("podman", [
      "build",
      "--pull=never",
      "--target",
      "run",
      "-f",
      image.dockerfile,
      "-t",
      image.name,
      ".",
    ], { timeoutS: 1200 });
  }
  report.cluster.images_build_s = seconds(t0);
}

async function writeReport(report: E2eReport): Promise<string> {
  const path = Deno.env.get("E2E_REPORT") || `${ROOT}.tmp/k8s-e2e.json`;
  const dir = path.slice(0, path.lastIndexOf("/"));
  if (dir) await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(report, null, 2) + "\n");
  if (report.timeline && report.timeline.samples.length > 0) {
    const svg = renderChart({
      title: chartTitle(report),
      samples: report.timeline.samples,
      windows: report.timeline.windows,
      loadEndS: report.timeline.load_end_s,
      maxReplicas: Number((report.hpa as Record<string, unknown>)?.max_allowed ?? 5),
    });
    await Deno.writeTextFile(path.replace(/\.json$/, "") + "-hpa.svg", svg);
  }
  return path;
}

/** The chart's title from the report's load figures. */
export function chartTitle(report: E2eReport): string {
  const load = (report.load ?? {}) as Record<string, unknown>;
  return `HPA, dev tier: k6 ${load.rate ?? "?"} req/s of ${load.batch_size ?? "?"} readings for ` +
    `${load.duration_s ?? "?"} s via the ClusterIP, one 2-CPU node`;
}

/** One e2e run per machine: the cluster is machine-wide. Holds the pid of the run that owns it. */
export const LOCK_PATH = "/tmp/anomaly-k8s-e2e.lock";

/** Take the lock, or throw naming the live run that holds it; a stale lock (dead pid) is taken over. */
export function takeLock(path = LOCK_PATH, pid = Deno.pid): void {
  try {
    Deno.writeTextFileSync(path, `${pid}\n`, { createNew: true });
    return;
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  const holder = Number(Deno.readTextFileSync(path).trim());
  let alive = false;
  try {
    alive = Number.isInteger(holder) && holder > 0 && Deno.statSync(`/proc/${holder}`).isDirectory;
  } catch {
    alive = false;
  }
  if (alive && holder !== pid) {
    throw new Error(
      `Another k8s e2e run (pid ${holder}) is using the cluster; wait for it or remove ${path}`,
    );
  }
  Deno.writeTextFileSync(path, `${pid}\n`);
}

/** Release the lock if this process holds it. */
export function releaseLock(path = LOCK_PATH, pid = Deno.pid): void {
  try {
    if (Number(Deno.readTextFileSync(path).trim()) === pid) Deno.removeSync(path);
  } catch {
    // already gone
  }
}

async function main(): Promise<number> {
  const args = parseArgs(Deno.args);
  takeLock();
  const report = newReport();
  const started = performance.now();
  const cluster = new LocalK8s();
  let startedCluster = false;
  let tearingDown: Promise<void> | null = null;

  // One teardown, whoever asks first (the end of the run or a signal); both wait for it.
  const teardown = () => (tearingDown ??= tearDown());
  const tearDown = async () => {
    if (args.keep) {
      log(
        "--keep: leaving the namespace and the cluster up (KUBECONFIG=/var/lib/local-k8s/admin.kubeconfig)",
      );
      return;
    }
    try {
      log("teardown: deleting namespace anomaly, the local PVs and their directories");
      await resetNamespace();
      // After the namespace: its ScaledObject's finalizer needs KEDA's operator.
      await removeKedaIfPresent();
      const rm = ["rm", "-rf", MODEL_HOST_DIR, KAFKA_HOST_DIR];
      await (Deno.uid() === 0 ? run(rm[0], rm.slice(1)) : run("sudo", ["-n", ...rm]));
    } catch (error) {
      log(`teardown: ${error instanceof Error ? error.message : error}`);
    }
    if (startedCluster) {
      log("teardown: local-k8s.sh down");
      report.cluster.down_s = await cluster.down();
    } else {
      log("the cluster was running before this run: left up");
    }
  };
  const onSignal = () => {
    log("interrupted: stopping children, tearing down");
    terminateChildren();
    teardown().finally(() => {
      releaseLock();
      Deno.exit(130);
    });
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);

  try {
    if (!cluster.built()) {
      report.cluster.build_s = Math.round(await cluster.build());
    } else {
      report.cluster.build_s = 0;
      report.cluster.build_note = "binaries already built (/var/cache/local-k8s/bin)";
    }
    if (await cluster.running()) {
      log("cluster already running: using it");
      report.cluster.up_s = 0;
    } else {
      // From empty state: a stopped cluster's etcd still lists the pods of its last run, and
      // their sandboxes do not always survive `down` (stale network namespaces), which leaves
      // metrics-server unreachable after `up`. PKI and etcd are recreated in seconds.
      log("local-k8s.sh reset, then up");
      startedCluster = true;
      await cluster.reset();
      report.cluster.up_s = Math.round(await cluster.up());
    }
    const version = await kubectl(["version", "-o", "json"]);
    if (version.code === 0) {
      report.cluster.server_version = JSON.parse(version.stdout).serverVersion?.gitVersion;
    }
    report.cluster.node_cpus = navigator.hardwareConcurrency;

    await buildImages(report);
    const t0 = performance.now();
    await cluster.loadImages(IMAGES.map((i) => i.name));
    report.cluster.images_load_s = seconds(t0);
    await resetNamespace();

    const scenarios = SCENARIOS.filter((s) => !args.only || args.only.includes(s.name));
    for (const scenario of scenarios) {
      log(`scenario ${scenario.name}: ${scenario.description}`);
      const ctx: Context = {
        report,
        section(name) {
          report[name] ??= {};
          return report[name] as Record<string, unknown>;
        },
      };
      const t = performance.now();
      try {
        await scenario.run(ctx);
        report.scenarios.push({ name: scenario.name, ok: true, seconds: seconds(t) });
        log(`scenario ${scenario.name}: ok (${seconds(t)} s)`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        report.scenarios.push({
          name: scenario.name,
          ok: false,
          seconds: seconds(t),
          error: message,
        });
        log(`scenario ${scenario.name}: FAILED: ${message}`);
        const events = await run("kubectl", [
          "-n",
          "anomaly",
          "get",
          "events",
          "--sort-by=.lastTimestamp",
        ], {
          env: { KUBECONFIG: "/var/lib/local-k8s/admin.kubeconfig" },
        });
        log(`recent events:\n${events.stdout.split("\n").slice(-15).join("\n")}`);
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    report.scenarios.push({ name: "setup", ok: false, seconds: seconds(started), error: message });
    log(`setup FAILED: ${message}`);
  } finally {
    await teardown();
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    releaseLock();
  }
  report.finished_at = new Date().toISOString();
  report.duration_s = seconds(started);
  report.ok = report.scenarios.length > 0 && report.scenarios.every((s) => s.ok);
  const path = await writeReport(report);
  print(summarize(report));
  print(`report: ${path}`);
  return report.ok ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main());
}

/**
 * `stream-lag`: the stream scorers scale on consumer lag with KEDA's Kafka
 * scaler, out under a burst and back to one once it is scored, and not one
 * reading is lost on the way (docs/STREAMING.md, "Scaling on lag").
 *
 * Starts from an empty namespace: KEDA (k8s/e2e/keda.ts: the binaries of
 * .ci/setup.d/65-keda.sh in a local image, KEDA's own manifests), the Kafka
 * stand-in image (containers/standins/kafka), then k8s/e2e/overlays/stream-lag
 * (the streaming-keda tier on static local volumes, scorers also writing every
 * score to `grid.stream.scores`). From the host, through
 * `kubectl port-forward` of the broker's LOCAL listener to 127.0.0.1:29092,
 * `deno task replay --kafka` publishes `E2E_STREAM_METERS` meters ×
 * `E2E_STREAM_READINGS` readings (default 100 × 2,000) as fast as the broker
 * takes them. The Deployment and KEDA's HPA are sampled every 2 s. Passes when
 * more than one scorer was ready during the burst, the scorers came back to
 * one, the group's lag is 0, and the distinct readings scored (the scores
 * topic, `deno task stream:verify --scores`) plus dead letters equal those
 * published: lost = 0.
 */
import assert from "node:assert/strict";
import {
  getJson,
  kc,
  KUBECONFIG,
  LocalK8s,
  log,
  mustRun,
  run,
  track,
  waitFor,
} from "../cluster.ts";
import {
  buildKedaImage,
  builtVersion,
  installKeda,
  KEDA_CACHE,
  renderKeda,
  uninstallKeda,
} from "../keda.ts";
import { applyOverlay, NS, resetNamespace } from "../kube.ts";
import { envInt, type Scenario, since } from "../scenario.ts";
import { MODEL_HOST_DIR } from "./persistent.ts";

/** The node directory behind the broker's local PersistentVolume (the overlay's kafka-pv.yaml). */
export const KAFKA_HOST_DIR = "/var/lib/anomaly/kafka";
/** The overlay this scenario applies. */
export const STREAM_LAG_OVERLAY = "k8s/e2e/overlays/stream-lag";
/** KEDA's HPA for the scorers' ScaledObject (KEDA names it `keda-hpa-<ScaledObject>`). */
const KEDA_HPA = "keda-hpa-anomaly-stream";
/** Where the scorers of the overlay write every score (its STREAM_SCORES_TOPIC). */
const SCORES_TOPIC = "grid.stream.scores";
/** The broker's LOCAL listener advertises localhost:29092 (k8s/overlays/streaming/kafka.yaml). */
const LOCAL_PORT = 29092;

/** A Kubernetes quantity as KEDA's HPA reports lag ("12345", "2500m", "12k") as a number. */
export function quantity(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|k|M)?$/.exec(text);
  if (!m) throw new RangeError(`Not a quantity: "${text}"`);
  const factor: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, "": 1 };
  return Number(m[1]) * factor[m[2] ?? ""];
}

/** One sample of the scorers: Deployment replicas wanted and ready, KEDA's lag per replica. */
export interface StreamSample {
  t: number;
  spec: number;
  ready: number;
  /** KEDA's metric as the HPA last read it: lag per replica (null before the first read). */
  lag_per_replica: number | null;
}

async function sample(origin: number): Promise<StreamSample> {
  const [deploy, hpa] = await Promise.all([
    getJson(["-n", NS, "get", "deploy", "anomaly-stream"]),
    getJson(["-n", NS, "get", "hpa", KEDA_HPA]).catch(() => null),
  ]);
  const current = hpa?.status?.currentMetrics?.[0]?.external?.current?.averageValue;
  return {
    t: Math.round((Date.now() - origin) / 100) / 10,
    spec: deploy.spec.replicas ?? 0,
    ready: deploy.status.readyReplicas ?? 0,
    lag_per_replica: typeof current === "string" ? Math.round(quantity(current)) : null,
  };
}

async function asRoot(script: string): Promise<void> {
  const r = Deno.uid() === 0
    ? await run("bash", ["-c", script])
    : await run("sudo", ["-n", "bash", "-c", script]);
  assert.equal(r.code, 0, r.stderr);
}

/** Whether something listens on 127.0.0.1:`port`. */
async function listening(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

/** The scenario. */
export const streamLag: Scenario = {
  name: "stream-lag",
  description:
    "KEDA scales the stream scorers on consumer lag: out under a burst, back to 1, 0 readings lost",
  async run(ctx) {
    const fig = ctx.section("stream_lag");
    const meters = envInt("E2E_STREAM_METERS", 100);
    const perMeter = envInt("E2E_STREAM_READINGS", 2000);
    const version = builtVersion();
    if (version === null) {
      throw new Error(`KEDA is not built in ${KEDA_CACHE}: run bash .ci/setup.d/65-keda.sh`);
    }
    fig.keda_version = version;
    if (await listening(LOCAL_PORT)) {
      throw new Error(
        `127.0.0.1:${LOCAL_PORT} is taken; the broker advertises localhost:${LOCAL_PORT} to the host`,
      );
    }

    let t = performance.now();
    const kafkaImage = (await mustRun("bash", ["containers/standins/kafka/build.sh"], {
      timeoutS: 900,
    })).stdout.trim().split("\n").at(-1)!;
    const kedaImage = await buildKedaImage(version);
    await new LocalK8s().loadImages([kafkaImage, kedaImage]);
    fig.images_s = since(t);

    // A clean slate: earlier scenarios leave the namespace and the model volume behind.
    await resetNamespace();
    await asRoot(
      `rm -rf ${MODEL_HOST_DIR} ${KAFKA_HOST_DIR} && mkdir -p ${MODEL_HOST_DIR} ${KAFKA_HOST_DIR}`,
    );
    const manifests = await renderKeda(version);
    let forward: Deno.ChildProcess | null = null;
    try {
      t = performance.now();
      await installKeda(manifests);
      fig.keda_install_s = since(t);

      t = performance.now();
      await applyOverlay(STREAM_LAG_OVERLAY);
      await kc(["-n", NS, "rollout", "status", "statefulset/anomaly-kafka", "--timeout=300s"], {
        timeoutS: 310,
      });
      await kc(
        [
          "-n",
          NS,
          "wait",
          "--for=condition=complete",
          "job/anomaly-kafka-topics",
          "--timeout=300s",
        ],
        { timeoutS: 310 },
      );
      await kc([
        "-n",
        NS,
        "exec",
        "anomaly-kafka-0",
        "--",
        "/opt/kafka/bin/kafka-topics.sh",
        "--bootstrap-server",
        "localhost:9092",
        "--create",
        "--if-not-exists",
        "--topic",
        SCORES_TOPIC,
        "--partitions",
        "8",
      ], { timeoutS: 120 });
      await waitFor("the ScaledObject Ready with one ready scorer", 300, async () => {
        const so = await getJson(["-n", NS, "get", "scaledobject", "anomaly-stream"]);
        const ready = (so.status?.conditions ?? []).some((c: { type: string; status: string }) =>
          c.type === "Ready" && c.status === "True"
        );
        const s = await sample(Date.now());
        return ready && s.spec === 1 && s.ready === 1;
      }, 3000);
      fig.tier_ready_s = since(t);

      forward = track(
        new Deno.Command("kubectl", {
          args: [
            "-n",
            NS,
            "port-forward",
            "--address",
            "127.0.0.1",
            "svc/anomaly-kafka",
            `${LOCAL_PORT}:${LOCAL_PORT}`,
          ],
          env: { KUBECONFIG },
          stdout: "null",
          stderr: "null",
        }).spawn(),
      );
      await waitFor("the port-forward to the broker", 30, () => listening(LOCAL_PORT), 500);
      const bootstrap = `localhost:${LOCAL_PORT}`;

      // Sample from before the burst until the scorers are back at one.
      const samples: StreamSample[] = [];
      const origin = Date.now();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const next = Date.now() + 2000;
          try {
            samples.push(await sample(origin));
          } catch (error) {
            log(`sampler: ${error instanceof Error ? error.message : error}`);
          }
          await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
        }
      })();

      log(`publishing ${meters * perMeter} readings (${meters} meters) through ${bootstrap}`);
      const replay = await mustRun("deno", [
        "task",
        "replay",
        "--kafka",
        "--bootstrap",
        bootstrap,
        "--meters",
        String(meters),
        "--readings-per-meter",
        String(perMeter),
        "--rate",
        "0",
        "--duration",
        "600",
      ], { timeoutS: 660 });
      const published = Number(/published (\d+) readings in ([\d.]+) s/.exec(replay.stdout)?.[1]);
      const publishS = Number(/published \d+ readings in ([\d.]+) s/.exec(replay.stdout)?.[1]);
      assert.equal(published, meters * perMeter, `replay: ${replay.stdout.trim()}`);
      fig.published = published;
      fig.publish_s = publishS;
      const publishedAt = (Date.now() - origin) / 1000;

      const out = await waitFor("more than one ready scorer", 300, () => {
        const s = samples.at(-1);
        return Promise.resolve(s && s.ready > 1 ? s : null);
      }, 1000);
      fig.first_scale_out_t_s = out.t;
      log(`scaled out: ${out.ready} ready of ${out.spec} at t=${out.t} s; waiting for scale-in`);
      await waitFor("the scorers back at one after the lag drained", 600, () => {
        const recent = samples.slice(-2);
        return Promise.resolve(
          recent.length === 2 && recent.every((s) => s.t > out.t) &&
            recent.every((s) => s.spec === 1 && s.ready === 1 && s.lag_per_replica === 0),
        );
      }, 2000);
      sampling = false;
      await sampler;
      fig.samples = samples;
      fig.publish_end_t_s = Math.round(publishedAt * 10) / 10;
      const maxReplicas = Math.max(...samples.map((s) => s.spec));
      const maxReady = Math.max(...samples.map((s) => s.ready));
      fig.max_replicas = maxReplicas;
      fig.max_ready = maxReady;
      fig.max_lag_per_replica = Math.max(...samples.map((s) => s.lag_per_replica ?? 0));
      const backAtOne = samples.find((s) => s.t > out.t && s.spec === 1);
      fig.back_to_one_t_s = backAtOne?.t ?? null;

      const verify = await run("deno", [
        "task",
        "stream:verify",
        "--bootstrap",
        bootstrap,
        "--scores",
        SCORES_TOPIC,
        "--json",
      ], { timeoutS: 300 });
      const line = verify.stdout.trim().split("\n").at(-1) ?? "";
      assert.ok(line.startsWith("{"), `stream:verify: ${verify.stdout}${verify.stderr}`);
      const check = JSON.parse(line) as {
        lag: number;
        scored_readings: number;
        dead_letters: number;
        anomalies: number;
        duplicates: number;
      };
      fig.lag_after = check.lag;
      fig.scored = check.scored_readings;
      fig.dead_letters = check.dead_letters;
      fig.anomalies = check.anomalies;
      fig.anomaly_duplicates = check.duplicates;
      const lost = published - check.scored_readings - check.dead_letters;
      fig.lost = lost;

      assert.ok(maxReady > 1, `scaled out to ${maxReady} ready scorers (want > 1)`);
      assert.ok(maxReplicas <= 8, `at most the partition count, got ${maxReplicas}`);
      assert.equal(check.lag, 0, "the group's lag after the burst");
      assert.equal(lost, 0, `${lost} of ${published} readings were not scored`);
    } finally {
      if (forward) {
        try {
          forward.kill("SIGTERM");
        } catch {
          // already gone
        }
        await forward.status;
      }
      // The ScaledObject's finalizer needs the operator: delete it before KEDA goes.
      await run("kubectl", [
        "-n",
        NS,
        "delete",
        "scaledobject",
        "anomaly-stream",
        "--ignore-not-found",
        "--wait=true",
        "--timeout=60s",
      ], { env: { KUBECONFIG }, timeoutS: 70 });
      await uninstallKeda(manifests);
    }
  },
};

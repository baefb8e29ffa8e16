/**
 * Every command in docs/WORKSHOP_GUIDE.md either runs here or is listed here.
 *
 * The test extracts the commands of the guide's `sh`/`bash` blocks (see
 * `_guide_commands.ts`) and walks them in order, as a participant would:
 *
 * - `run` commands (Deno tasks, curl, k6, kubectl kustomize, docker build
 *   through podman, ...) run with bash from the repository root and must exit
 *   0 within their time limit; some outputs are also checked against what
 *   the guide shows.
 * - `serve` commands (`deno task backend`, `deno task ui`, `deno task dev`,
 *   with or without env prefixes) are started, waited for (`/ready` or `/`),
 *   and stopped (SIGINT, Ctrl-C) when the guide starts the next server on the
 *   same port, or at the end. Later commands talk to whichever server the
 *   guide started last, as in a participant's terminals.
 * - Commands that `deno task k8s:e2e` runs on a live cluster (CI runs it
 *   after this suite) come from `k8s/e2e/guide_live.ts`, the list its
 *   scenarios take their command text from; they count as run, not manual.
 * - Commands that need Docker Desktop, a kind cluster specifically (kind
 *   itself, registry pulls, a default StorageClass) or a browser, or that
 *   run against the cluster for minutes, are listed in MANUAL by exact text
 *   with the reason. A listed command that is no longer in the guide fails
 *   the test.
 *
 * A command that is neither fails the test: adding a command to the guide
 * means running it here or saying why it cannot be.
 *
 * Ports and images: the guide's commands name the default ports 8000
 * (backend) and 8501 (UI) and the image tag 0.1.0. The test's servers get
 * free ports instead (`PORT`, `BACKEND_URL`, `BACKEND_PORT`/`UI_PORT` for
 * `deno task dev`) and its images a tag of their own (`TAG` for
 * `scripts/kind.sh`), and every `localhost:8000`, `localhost:8501` and
 * `anomaly-*:0.1.0` in a command is rewritten to them (`adaptCommand`), so
 * the test never collides with a developer's `deno task dev` or with another
 * run of itself. A server counts as started once its own log says it listens
 * on its port and the port answers. Servers get a fresh `MODEL_DIR`, so the
 * first backend start trains, as on a fresh clone, and the repository's
 * `models/` is left alone.
 *
 * Docker: through the stock docker CLI against podman, as in
 * containers/tests/images_test.ts (`prepare_base_images.sh` serves the Docker
 * API and the stand-in base images; `DOCKER_HOST` defaults to its socket).
 * Where `docker compose` (the v2 plugin) is missing but `docker-compose`
 * exists, a `docker` wrapper on PATH forwards `docker compose ...` to it.
 *
 * Budget: about two to three minutes, most of it the load-test durations the
 * guide asks for (10 + 15 + 15 s) and four image builds with a warm cache.
 */
import { oneBuildAtATimeShell } from "../../testing/image_builds.ts";
import assert from "node:assert/strict";
import { print } from "../../lib/logger.ts";
import { REPO_ROOT } from "../../testing/backend_process.ts";
import { inCI, skipUnless, which } from "../../testing/tools.ts";
import {
  adaptCommand,
  classify,
  extractCommands,
  type GuideCommand,
  type ManualEntry,
  type RunContext,
  type RunnableRule,
} from "./_guide_commands.ts";
import { freePort, runShell, type ShellService, startShell, waitForOk } from "./_processes.ts";
import { LIVE_GUIDE_COMMANDS, LIVE_GUIDE_SCENARIO } from "../../k8s/e2e/guide_live.ts";

const GUIDE_PATH = `${REPO_ROOT}docs/WORKSHOP_GUIDE.md`;
const GUIDE = Deno.readTextFileSync(GUIDE_PATH);

const DOCKER_DESKTOP = "needs Docker Desktop (a Docker engine with compose v2 and internet)";
const KIND = "needs a kind cluster (kind itself, or what only kind provides)";
const CLUSTER_LOAD =
  "runs against the kind cluster through a port-forward for minutes; its local rehearsal runs here";
const KAFKA_SETUP = "installs Debian packages and fetches jars from Maven Central";
const KAFKA =
  "needs the broker of `deno task kafka` and scorers in other terminals; `deno task stream:check` " +
  "runs the same publish, kill and verify flow (CI runs it after the suite)";
const COMPILED =
  "builds the default `compiled` target, whose `deno compile` downloads denort from Deno's host " +
  "(unreachable from CI); the `--target run` builds of the same Dockerfiles run here";

/** Commands `deno task k8s:e2e` runs on its live cluster, as entries with the scenario that runs them. */
const LIVE: readonly ManualEntry[] = Object.entries(LIVE_GUIDE_COMMANDS).map(([key, command]) => ({
  command,
  why: `runs on the live cluster in \`deno task k8s:e2e\` (scenario ${
    LIVE_GUIDE_SCENARIO[key as keyof typeof LIVE_GUIDE_COMMANDS]
  })`,
}));

const BREAK_CHAMPION = "breaks the champion the rest of the guide serves and needs a backend " +
  "restart; backend/tests/registry_breaks_test.ts runs the same break against the real process";

/** Commands this test cannot run, by exact text, and why. */
const MANUAL: readonly ManualEntry[] = [
  { command: "kind version", why: "kind is not installed on the CI machine (no nested Docker)" },
  {
    command: "docker compose -f containers/compose.yaml up --build",
    why: `${DOCKER_DESKTOP}; runs until Ctrl-C. containers/tests/images_test.ts brings the same ` +
      "compose file up (target run) with podman",
  },
  {
    command: "docker compose -f containers/compose.yaml --profile monitoring up --build",
    why: `${DOCKER_DESKTOP}; pulls prom/prometheus and grafana/grafana; runs until Ctrl-C`,
  },
  {
    command: "docker compose -f containers/compose.yaml down",
    why: `${DOCKER_DESKTOP}; stops the stack that \`up\` started`,
  },
  {
    command: "docker compose -f containers/compose.yaml down -v",
    why: `${DOCKER_DESKTOP}; stops the stack that \`up\` started`,
  },
  {
    command: "docker build -f containers/Dockerfile.backend -t localhost/anomaly-backend:0.1.0 .",
    why: COMPILED,
  },
  {
    command: "docker build -f containers/Dockerfile.ui -t localhost/anomaly-ui:0.1.0 .",
    why: COMPILED,
  },
  { command: "deno task images:build", why: COMPILED },
  { command: "deno task kind:up", why: `${KIND} (creates one); its --dry-run runs here` },
  { command: "deno task kind:redeploy", why: KIND },
  { command: "kind create cluster --name anomaly --config k8s/kind-config.yaml", why: KIND },
  {
    command:
      "kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.7.2/components.yaml",
    why: KIND,
  },
  {
    command:
      `kubectl -n kube-system patch deploy metrics-server --type='json' -p='[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--kubelet-insecure-tls"}]'`,
    why: KIND,
  },
  { command: "kind load docker-image localhost/anomaly-backend:0.1.0 --name anomaly", why: KIND },
  { command: "kind load docker-image localhost/anomaly-ui:0.1.0 --name anomaly", why: KIND },
  {
    command: "kubectl apply -k k8s/overlays/lifecycle",
    why: "needs a default StorageClass that provisions the claim (kind's `standard`); the e2e " +
      "runs the same exercise with k8s/e2e/overlays/lifecycle-local (a static local volume)",
  },
  {
    command:
      "deno task load --url http://localhost:8000 --rps 50 --duration 600 --batch-size 64 --workers 16",
    why: "keeps load on the backend for the ten minutes of exercise 6, in its own terminal; " +
      "backend/tests/promotion_test.ts promotes and rolls back under load with zero failed requests",
  },
  {
    command:
      "deno task load --url http://localhost:8000 --rps 100 --duration 180 --batch-size 64 --workers 16 --voltage-scale 1.02",
    why:
      "three minutes of shifted load next to exercise 6's load; backend/mlops/drift_check_test.ts " +
      "and observability/prometheus_drift_e2e_test.ts run the same shift to a drift verdict and alert",
  },
  {
    command: "kubectl apply -k k8s/overlays/persistent",
    why: "needs a default StorageClass that provisions the claim (kind's `standard`); the e2e " +
      "runs the same exercise with k8s/overlays/persistent-local (a static local volume)",
  },
  {
    command: "kubectl -n anomaly port-forward svc/anomaly-ui 8501:8501",
    why: `${KIND}; runs until Ctrl-C`,
  },
  { command: "kubectl -n anomaly get hpa -w", why: `${KIND}; watches until Ctrl-C` },
  { command: "kubectl -n anomaly get pods -w", why: `${KIND}; watches until Ctrl-C` },
  {
    command:
      "deno task load --url http://localhost:8000 --rps 150 --duration 120 --batch-size 64 --workers 32 --no-keepalive",
    why: CLUSTER_LOAD,
  },
  {
    command: "k6 run -e BASE_URL=http://localhost:8000 -e NO_KEEPALIVE=1 loadtest/k6/workshop.ts",
    why: CLUSTER_LOAD,
  },
  {
    command:
      "kubectl -n anomaly run k6 --rm -i --restart=Never --image=grafana/k6:1.8.1 --labels=app.kubernetes.io/name=anomaly-ui -- run --type archive -e BASE_URL=http://anomaly-backend:8000 - < /tmp/ramp.tar",
    why: `${KIND}; pulls grafana/k6 and runs the ramp for about nine minutes`,
  },
  { command: "kind delete cluster --name anomaly", why: KIND },
  { command: "bash .ci/setup.d/70-kafka.sh", why: `${KAFKA_SETUP}; CI runs it in .ci/run` },
  { command: "deno task kafka --port 9092", why: `${KAFKA}; runs until Ctrl-C on a fixed port` },
  { command: "KAFKA_BOOTSTRAP=127.0.0.1:9092 deno task stream", why: KAFKA },
  {
    command: "STREAM_METRICS_PORT=9465 KAFKA_BOOTSTRAP=127.0.0.1:9092 deno task stream",
    why: KAFKA,
  },
  {
    command:
      "KAFKA_BOOTSTRAP=127.0.0.1:9092 deno task replay --kafka --meters 100 --readings-per-meter 1200 --rate 1000 --duration 120",
    why: `${KAFKA}; publishes for two minutes`,
  },
  {
    command:
      "curl -s localhost:9464/metrics | grep -E '^stream_(consumer_lag|rebalances_total|restore_seconds_count|readings_scored_total)'",
    why: `${KAFKA} (a running scorer)`,
  },
  { command: "kill -9 PID", why: "PID is the participant's second scorer" },
  { command: "KAFKA_BOOTSTRAP=127.0.0.1:9092 deno task stream:verify", why: KAFKA },
  // Exercise 6's "break the champion file": it damages the champion the rest of the guide serves
  // and needs a backend restart; backend/tests/registry_breaks_test.ts runs the same break
  // (a truncated champion version at start, then a repair) against the real process.
  ...[
    `V=$(curl -s localhost:8000/models | jq -r '.aliases.champion.version | ltrimstr("sha256:")')`,
    "cp models/versions/$V.json /tmp/champion-backup.json",
    "head -c 2000 /tmp/champion-backup.json > models/versions/$V.json",
    "ls models/versions | wc -l",
    "curl -s localhost:8000/ready | jq",
    "cp /tmp/champion-backup.json models/versions/$V.json",
  ].map((command) => ({ command, why: BREAK_CHAMPION })),
];

const DOCKER_TOOLS = ["docker", "docker-compose", "podman"];

/** Command families this test runs, first match wins. */
const RUNNABLE: readonly RunnableRule[] = [
  { pattern: /^deno task dev$/, mode: "serve", service: "stack" },
  { pattern: /^(?:[A-Z_]+=\S+ )*deno task backend(?::plain)?$/, mode: "serve", service: "backend" },
  { pattern: /^deno task ui$/, mode: "serve", service: "ui" },
  { pattern: /^deno (?:--version|install --frozen)$/, mode: "run" },
  { pattern: /^deno task$/, mode: "run" },
  { pattern: /^deno task kind:up --dry-run$/, mode: "run" },
  { pattern: /^deno task (?:train|evaluate)(?: .*)?$/, mode: "run" },
  { pattern: /^deno task drift --url \S+ --out \/tmp\/\S+\.html$/, mode: "run" },
  { pattern: /^deno task load (?:.* )?--duration (?:[1-9]|1[0-9]|20)(?: .*)?$/, mode: "run" },
  {
    pattern: /^(?:CONTRACT_BASE_URL=\S+ )?deno test -A backend\/tests\/contract_test\.ts$/,
    mode: "run",
  },
  { pattern: /^k6 version$/, mode: "run", tools: ["k6"] },
  { pattern: /^k6 archive -O \/tmp\/\S+\.tar loadtest\/k6\/\w+\.ts$/, mode: "run", tools: ["k6"] },
  { pattern: /^k6 run -e BASE_URL=\S+ loadtest\/k6\/smoke\.ts$/, mode: "run", tools: ["k6"] },
  { pattern: /^kubectl version --client$/, mode: "run", tools: ["kubectl"] },
  { pattern: /^kubectl kustomize k8s\/\S+(?: \| .*)?$/, mode: "run", tools: ["kubectl"] },
  { pattern: /^curl .*\| promtool check metrics$/, mode: "run", tools: ["curl", "promtool"] },
  { pattern: /^curl .*\| jq /, mode: "run", tools: ["curl", "jq"] },
  { pattern: /^curl [^|]*(?:\| grep .*)?$/, mode: "run", tools: ["curl"] },
  { pattern: /^docker version$/, mode: "run", tools: DOCKER_TOOLS },
  {
    pattern: /^docker build --target run -f containers\/Dockerfile\.\w+ -t \S+ \.$/,
    mode: "run",
    tools: DOCKER_TOOLS,
    timeoutS: 600,
  },
  {
    pattern: /^TARGET=run deno task images:build$/,
    mode: "run",
    tools: DOCKER_TOOLS,
    timeoutS: 600,
  },
  {
    pattern: /^docker compose -f containers\/compose\.yaml config --services$/,
    mode: "run",
    tools: DOCKER_TOOLS,
  },
  {
    pattern: /^docker image rm localhost\/anomaly-backend:0\.1\.0 localhost\/anomaly-ui:0\.1\.0$/,
    mode: "run",
    tools: DOCKER_TOOLS,
  },
]; // deno-fmt-ignore

/** Every non-empty output line (trimmed) appears in the guide: for commands whose output is deterministic. */
function guideShows(output: string): void {
  const lines = output.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  assert.ok(lines.length > 0, "the command printed nothing");
  for (const line of lines) {
    assert.ok(GUIDE.includes(line), `the guide does not show this output line: ${line}`);
  }
}

/** Output lines that start with `prefix`, trimmed. */
function linesStarting(output: string, prefix: RegExp): string {
  return output.split("\n").filter((l) => prefix.test(l)).join("\n");
}

/**
 * Checks on the output of `run` commands, beyond exit code 0, by command, or
 * by `command#n` for its n-th run (1-based) when runs differ.
 */
const EXPECT: Record<string, (output: string) => void> = {
  "deno task kind:up --dry-run": (out) => guideShows(linesStarting(out, /^\+ |^\[kind\.sh\]/)),
  "deno task train --contamination 0.01,0.02,0.05,0.1,0.2": (out) =>
    guideShows(linesStarting(out, /^\s+(contamination|0\.\d)|^(ROC AUC|Precision|The threshold)/)),
  "kubectl kustomize k8s/overlays/dev | grep -E '^kind:' | sort | uniq -c": guideShows,
  "kubectl kustomize k8s/overlays/dev | grep -E 'minReplicas|maxReplicas|WORKERS'": guideShows,
  "kubectl kustomize k8s/overlays/scaled | grep -E 'minReplicas|maxReplicas|WORKERS'": guideShows,
  "kubectl kustomize k8s/overlays/persistent | grep -A2 'persistentVolumeClaim:'": guideShows,
  "docker compose -f containers/compose.yaml config --services": guideShows,
  "curl -s localhost:8000/health": (out) => assert.equal(JSON.parse(out).status, "ok"),
  [`curl -s localhost:8000/predict -H 'content-type: application/json' -d '{"readings":[{"voltage":230.1,"current":10.2,"frequency":50.01},{"voltage":275,"current":28,"frequency":50.7}]}'`]:
    (out) => {
      const body = JSON.parse(out);
      assert.deepEqual(body.predictions.map((p: { anomaly: boolean }) => p.anomaly), [false, true]);
    },
  [`curl -s localhost:8000/predict -H 'content-type: application/json' -d '{"readings":[{"voltage":"230","current":10,"frequency":50}]}'`]:
    (out) => assert.equal(JSON.parse(out).status, 422),
  [`curl -s 'localhost:8000/simulate?n=64&anomaly_rate=0.1&seed=7' | jq '{readings: [.readings[] | {voltage, current, frequency}]}' | curl -s localhost:8000/predict -H 'content-type: application/json' -d @- | jq .anomalies`]:
    guideShows,
  "deno task load --url http://localhost:8000 --rps 150 --duration 10 --batch-size 64 --workers 32 --no-keepalive":
    (out) => assert.match(out, /^outcome: +ok \d+ +errors 0 /m),
  // Exercise 1: the first run hits `deno task backend`, the second `WORKERS=2 deno task backend`.
  "deno task load --url http://localhost:8000 --rps 300 --duration 15 --batch-size 512 --workers 32 --no-keepalive#1":
    (out) => assert.match(out, /^served by: +1 instance\(s\)/m),
  "deno task load --url http://localhost:8000 --rps 300 --duration 15 --batch-size 512 --workers 32 --no-keepalive#2":
    (out) => {
      assert.match(out, /^served by: +2 instance\(s\)/m);
      assert.match(out, /\/w0 /);
      assert.match(out, /\/w1 /);
    },
  // Exercise 3: the registry's champion moves without a restart.
  "deno task train --contamination 0.2 --register --alias champion": (out) =>
    assert.match(out, /^champion -> sha256:1fef4567012e \(was sha256:d1539a090a3e\)/m),
  // Exercise 6: the challenger the guide promotes, and the admin calls answer as shown.
  "deno task train --contamination 0.1 --register --alias challenger": (out) =>
    guideShows(
      linesStarting(out, /^(Registered|challenger ->)/).replace(
        / in \S+\/versions$/m,
        " in models/versions",
      ),
    ),
  [`curl -s -X PUT localhost:8000/models/aliases/champion -H 'Authorization: Bearer workshop-admin-token-0001' -H 'content-type: application/json' -d '{"version":"sha256:a8520a6804d6","expected_version":"sha256:d1539a090a3e","reason":"catches the swell"}'`]:
    (out) => {
      const body = JSON.parse(out);
      assert.equal(body.model_version, "sha256:a8520a6804d6");
      assert.equal(
        body.previous,
        "sha256:d1539a090a3eac6a8de389f856f3043d8eaecd901a7979ad8388fdca3ea5f6de",
      );
      assert.equal(body.updated_by, "admin");
      assert.equal(body.reason, "catches the swell");
    },
  [`curl -s -X PUT localhost:8000/models/aliases/champion -H 'Authorization: Bearer workshop-admin-token-0001' -H 'content-type: application/json' -d '{"version":"sha256:d1539a090a3e"}'`]:
    (out) => assert.equal(JSON.parse(out).model_version, "sha256:d1539a090a3e"),
  [`curl -s localhost:8000/predict -H 'content-type: application/json' -d '{"readings":[{"voltage":275,"current":28,"frequency":50.7},{"voltage":239.5,"current":10,"frequency":50}]}' | jq -c '{labels: [{prediction_id: .predictions[0].prediction_id, anomaly: true}, {prediction_id: .predictions[1].prediction_id, anomaly: false}]}' | tee /tmp/labels.json | curl -s localhost:8000/feedback -H 'content-type: application/json' -d @-`]:
    (out) => {
      const body = JSON.parse(out);
      assert.deepEqual([body.total, body.stored, body.unchanged, body.labeled_anomalies], [
        2,
        2,
        0,
        1,
      ]);
    },
  "curl -s localhost:8000/feedback -H 'content-type: application/json' -d @/tmp/labels.json": (
    out,
  ) => {
    const body = JSON.parse(out);
    assert.deepEqual([body.total, body.stored, body.unchanged], [2, 0, 2]);
  },
  // The challenger's verdicts are there once the backend polled its alias (MODEL_POLL_S, 5 s after
  // the train command, which a participant takes longer than this test to reach).
  "curl -s localhost:8000/models | jq -c .monitoring.feedback": (out) => {
    const feedback = JSON.parse(out);
    assert.deepEqual(feedback["sha256:d1539a090a3e"], {
      tp: 1,
      fp: 0,
      fn: 0,
      tn: 1,
      precision: 1,
      recall: 1,
    });
    const challenger = feedback["sha256:a8520a6804d6"];
    if (challenger) {
      assert.deepEqual(challenger, { tp: 1, fp: 1, fn: 0, tn: 0, precision: 0.5, recall: 1 });
    }
  },
  "curl -s -i -X DELETE localhost:8000/models/aliases/challenger -H 'Authorization: Bearer wrong'":
    (out) => assert.match(out, /^HTTP\/1\.1 401 /),
}; // deno-fmt-ignore

/**
 * Checks on the logs of `serve` commands, by command and occurrence (1-based):
 * the model lifecycle the guide describes (the first start, `deno task dev`,
 * trains the temporal model into the fresh MODEL_DIR; the first plain backend
 * trains the forest and registers it as the champion, the next starts load the
 * champion from the registry; the temporal backend loads what `dev` wrote).
 */
const EXPECT_SERVE: Record<string, string[]> = {
  // `deno task dev` serves the temporal detector; the forest is trained by the first plain backend.
  "deno task dev#1": ['"source":"trained at startup on a simulated fleet day: no artifact at '],
  "deno task backend#1": ['"source":"trained at startup: no artifact at ', '"champion":true'],
  "DETECTOR=temporal_window deno task backend#1": ['"source":"loaded from artifact ', '"detector":"temporal_window"'],
  "deno task ui#1": ['"event":"listening"'],
  "WORKERS=2 deno task backend#1": ['"served_by":"', '/w1"'],
  "ADMIN_TOKEN=workshop-admin-token-0001 deno task backend#1": [
    '"source":"loaded from artifact ',
    "(champion)",
  ],
};

type Slot = "backend" | "ui";
const SLOTS: Record<string, Slot[]> = {
  backend: ["backend"],
  ui: ["ui"],
  stack: ["backend", "ui"],
};

interface Running {
  command: string;
  slots: Slot[];
  service: ShellService;
}

function dockerWrapper(dir: string, docker: string): void {
  // `docker compose` is the v2 plugin; where only the standalone
  // docker-compose exists (this CI), forward to it.
  Deno.writeTextFileSync(
    `${dir}/docker`,
    `#!/usr/bin/env bash\nif [ "$1" = compose ]; then shift; exec docker-compose "$@"; fi\nexec ${docker} "$@"\n`,
    { mode: 0o755 },
  );
}

Deno.test("every command listed or checked by this test is still in the guide", () => {
  const commands = new Set(extractCommands(GUIDE).map((c) => c.command));
  const stale = [
    ...MANUAL.map((m) => m.command),
    ...LIVE.map((m) => m.command),
    ...Object.keys(EXPECT).map((k) => k.replace(/#\d+$/, "")),
    ...Object.keys(EXPECT_SERVE).map((k) => k.replace(/#\d+$/, "")),
  ].filter((command) => !commands.has(command));
  assert.deepEqual(stale, [], "listed in this test but no longer in the guide");
});

Deno.test("a command is either run by the k8s e2e or listed as manual, never both", () => {
  const live = new Set(LIVE.map((l) => l.command));
  assert.deepEqual(MANUAL.filter((m) => live.has(m.command)).map((m) => m.command), []);
});

Deno.test("the guide's reference table repeats only commands from its steps", () => {
  const start = GUIDE.indexOf("## Reference commands");
  assert.ok(start >= 0, "the guide has a Reference commands section");
  const section = GUIDE.slice(start, GUIDE.indexOf("\n## ", start + 1));
  const inTable = [...section.matchAll(/^\|[^|]*\| `([^`]+)` *\|$/gm)].map((m) => m[1]);
  assert.ok(inTable.length >= 10, `found only ${inTable.length} commands in the table`);
  const commands = new Set(extractCommands(GUIDE).map((c) => c.command));
  assert.deepEqual(inTable.filter((c) => !commands.has(c)), []);
});

Deno.test("every guide command is runnable here or listed as needing Docker Desktop or kind", () => {
  const unknown = extractCommands(GUIDE)
    .filter((c) => classify(c.command, [...LIVE, ...MANUAL], RUNNABLE).kind === "unknown")
    .map((c) => `line ${c.line}: ${c.command}`);
  assert.deepEqual(
    unknown,
    [],
    "add a RUNNABLE rule (and make it run) or a MANUAL entry with the reason",
  );
});

Deno.test({
  name: "the guide's runnable commands succeed, in order, against the servers the guide starts",
  async fn(t) {
    const commands = extractCommands(GUIDE);
    const context: RunContext = {
      ports: { backend: freePort(), ui: freePort() },
      imageTag: `0.1.0-guide-${Deno.pid}`,
    };
    const { ports } = context;
    const modelDir = await Deno.makeTempDir({ prefix: "guide-models-" });
    const binDir = await Deno.makeTempDir({ prefix: "guide-bin-" });
    const env: Record<string, string> = {
      MODEL_DIR: modelDir,
      DRAIN_DELAY_S: "0",
      K6_NO_USAGE_REPORT: "true",
      DOCKER_HOST: Deno.env.get("DOCKER_HOST") ?? "unix:///run/podman-docker.sock",
      DOCKER_BUILDKIT: "0",
      PATH: `${binDir}:${Deno.env.get("PATH") ?? ""}`,
    };
    print(
      `[guide] ${commands.length} commands; servers on ${ports.backend}/${ports.ui} ` +
        `(rewritten from 8000/8501), images tagged ${context.imageTag}`,
    );
    const running: Running[] = [];
    const occurrences = new Map<string, number>();
    let dockerReady = false;

    const stopSlots = async (slots: Slot[]) => {
      for (const r of running.filter((r) => r.slots.some((s) => slots.includes(s)))) {
        await r.service.stop();
        running.splice(running.indexOf(r), 1);
      }
    };

    const serve = async (c: GuideCommand, service: string) => {
      const slots = SLOTS[service];
      await stopSlots(slots);
      const backendUrl = `http://127.0.0.1:${ports.backend}`;
      const serviceEnv: Record<string, string> = service === "backend"
        ? { PORT: String(ports.backend) }
        : service === "ui"
        ? { PORT: String(ports.ui), BACKEND_URL: backendUrl }
        : { BACKEND_PORT: String(ports.backend), UI_PORT: String(ports.ui) };
      const started = startShell(c.command, {
        cwd: REPO_ROOT,
        env: { ...env, ...serviceEnv },
      });
      running.push({ command: c.command, slots, service: started });
      // The log line proves the answering server is this one, not a stranger on the port.
      if (slots.includes("backend")) {
        await waitForOk(`${backendUrl}/ready`, started, 90, `"port":${ports.backend}`);
      }
      if (slots.includes("ui")) {
        await waitForOk(`http://127.0.0.1:${ports.ui}/`, started, 90, `"port":${ports.ui}`);
      }
      const n = (occurrences.get(c.command) ?? 0) + 1;
      occurrences.set(c.command, n);
      for (const expected of EXPECT_SERVE[`${c.command}#${n}`] ?? []) {
        // Readiness can come before every line (a second worker reports a moment later).
        const deadline = Date.now() + 10_000;
        while (!started.output().includes(expected) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(
          started.output().includes(expected),
          `"${c.command}" (start ${n}) did not log ${expected}:\n${started.output().slice(-3000)}`,
        );
      }
    };

    const prepareDocker = async () => {
      if (dockerReady) return;
      dockerReady = true;
      const prepared = await runShell("bash containers/tests/prepare_base_images.sh", {
        cwd: REPO_ROOT,
        env,
        timeoutS: 600,
      });
      assert.equal(prepared.code, 0, prepared.output);
      const compose = await runShell("docker compose version", {
        cwd: REPO_ROOT,
        env,
        timeoutS: 30,
      });
      if (compose.code !== 0) dockerWrapper(binDir, which("docker")!);
    };

    try {
      for (const c of commands) {
        const found = classify(c.command, [...LIVE, ...MANUAL], RUNNABLE);
        if (found.kind !== "runnable") continue;
        const { rule } = found;
        const tools = rule.tools ?? [];
        await t.step({
          name: `line ${c.line}: ${c.command}`,
          ignore: tools.length > 0 && skipUnless(...tools),
          fn: async () => {
            if (rule.mode === "serve") {
              await serve(c, rule.service!);
              return;
            }
            if (tools.includes("docker")) await prepareDocker();
            const adapted = adaptCommand(c.command, context);
            // Another test file may be building the same images: one build at a time.
            const command = /^docker build /.test(adapted)
              ? oneBuildAtATimeShell(adapted)
              : adapted;
            const result = await runShell(command, {
              cwd: REPO_ROOT,
              // scripts/kind.sh tags images with $TAG.
              env: tools.includes("docker") ? { ...env, TAG: context.imageTag } : env,
              timeoutS: rule.timeoutS ?? 120,
            });
            const tail = result.output.slice(-4000);
            assert.ok(!result.timedOut, `timed out after ${rule.timeoutS ?? 120} s:\n${tail}`);
            assert.equal(result.code, 0, `exit code ${result.code}:\n${tail}`);
            const n = (occurrences.get(c.command) ?? 0) + 1;
            occurrences.set(c.command, n);
            (EXPECT[`${c.command}#${n}`] ?? EXPECT[c.command])?.(result.output);
            if (result.seconds > 5) {
              print(`[guide] line ${c.line}: ${result.seconds.toFixed(1)} s`);
            }
          },
        });
      }
    } finally {
      await stopSlots(["backend", "ui"]);
      if (dockerReady) {
        // The guide's cleanup removes them; this covers a run that failed before it.
        const tag = context.imageTag;
        await runShell(
          `docker image rm -f localhost/anomaly-backend:${tag} localhost/anomaly-ui:${tag} || true`,
          {
            cwd: REPO_ROOT,
            env,
            timeoutS: 60,
          },
        );
      }
      await Deno.remove(modelDir, { recursive: true });
      await Deno.remove(binDir, { recursive: true });
    }
    if (inCI()) {
      const manual = commands.filter((c) => classify(c.command, MANUAL, []).kind === "manual");
      const live = commands.filter((c) => classify(c.command, LIVE, []).kind === "manual");
      print(
        `[guide] ${live.length} commands run in deno task k8s:e2e; ` +
          `${manual.length} need Docker Desktop or kind (listed in this test)`,
      );
    }
  },
});

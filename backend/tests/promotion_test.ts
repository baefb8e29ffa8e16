/**
 * The model lifecycle end to end, with real processes on one shared
 * MODEL_DIR: a single-artifact store becomes the registry's champion; a
 * challenger registered by the trainer reaches every worker of every replica
 * by polling; promotion through the admin API and rollback reach every
 * worker of both replicas, while a bounded load runs, with zero failed
 * requests.
 */
import assert from "node:assert/strict";
import { type BackendProcess, startBackend } from "../../testing/backend_process.ts";
import { settingFlags, trainCli, writtenVersion } from "./_train_cli.ts";

const TOKEN = "promotion-test-token-0123456789";
const MODEL = { N_ESTIMATORS: "20", SAMPLE_SIZE: "64", TRAINING_SIZE: "1000", SEED: "5" };
const READINGS = Array.from({ length: 16 }, (_, i) => ({
  voltage: 228 + (i % 5),
  current: 9 + (i % 3),
  frequency: 50 + (i % 2) / 100,
}));

interface Seen {
  status: number;
  version: string | null;
  servedBy: string | null;
}

/**
 * Closed-loop load: `clients` loops posting /predict until stopped; every answer is recorded.
 * Every request opens a new connection, so the kernel spreads them over both workers.
 */
function load(urls: string[], clients: number) {
  const seen: Seen[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, i) => {
    const url = urls[i % urls.length];
    while (running) {
      try {
        const res = await fetch(`${url}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json", connection: "close" },
          body: JSON.stringify({ readings: READINGS }),
        });
        const body = await res.json();
        seen.push({ status: res.status, version: body.model_version, servedBy: body.served_by });
      } catch (err) {
        seen.push({ status: 0, version: String(err), servedBy: null });
      }
    }
  });
  return {
    seen,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** The version each serving instance (`served_by`) answered with most recently. */
function latest(seen: Seen[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const s of seen) if (s.servedBy) out.set(s.servedBy, s.version);
  return out;
}

/** Wait until every instance seen so far answers with `version` (new connections keep coming). */
async function converged(seen: Seen[], version: string, instances: number, what: string) {
  const from = seen.length;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const recent = latest(seen.slice(from));
    if (recent.size >= instances && [...recent.values()].every((v) => v === version)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `${what}: not every instance serves ${version}: ${
      JSON.stringify([...latest(seen.slice(from))])
    }`,
  );
}

/** GET /models on fresh connections until every worker of `backend` reports `check`. */
async function everyWorker(
  backend: BackendProcess,
  workers: number,
  check: (body: { serving: { champion: string; challenger: string | null } }) => boolean,
  what: string,
) {
  const ok = new Set<string>();
  const deadline = Date.now() + 30_000;
  while (ok.size < workers && Date.now() < deadline) {
    const res = await fetch(`${backend.url}/models`, { headers: { connection: "close" } });
    const body = await res.json();
    if (check(body)) ok.add(body.serving.served_by);
    else ok.delete(body.serving.served_by);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(ok.size, workers, `${what} on every worker of ${backend.url}`);
}

/** GET /model on fresh connections until every worker of `backend` names `artifact`. */
async function everyWorkerArtifact(backend: BackendProcess, workers: number, artifact: RegExp) {
  const ok = new Set<string>();
  let last = "";
  const deadline = Date.now() + 30_000;
  while (ok.size < workers && Date.now() < deadline) {
    const res = await fetch(`${backend.url}/model`, { headers: { connection: "close" } });
    const body = await res.json();
    last = `${body.artifact} (${body.source})`;
    if (artifact.test(body.artifact) && body.source.includes(body.artifact)) {
      ok.add(body.served_by);
    } else ok.delete(body.served_by);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(ok.size, workers, `/model names ${artifact} on every worker (last: ${last})`);
}

function promote(url: string, version: string) {
  return fetch(`${url}/models/aliases/champion`, {
    method: "PUT",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ version }),
  });
}

Deno.test("promotion and rollback reach every worker of every replica with zero failed requests", async () => {
  const dir = await Deno.makeTempDir({ prefix: "promotion-" });
  const backends: BackendProcess[] = [];
  try {
    // A store from before the registry: one artifact file, trained by the CLI.
    const legacy = await trainCli([...settingFlags(MODEL), "--model-dir", dir]);
    const first = writtenVersion(legacy).slice(0, 19);

    const env = { ...MODEL, MODEL_DIR: dir, ADMIN_TOKEN: TOKEN, MODEL_POLL_S: "0.5" };
    backends.push(await startBackend({ env: { ...env, WORKERS: "2" } }));
    backends.push(await startBackend({ env }));
    const [a, b] = backends;
    const models = await (await fetch(`${a.url}/models`)).json();
    assert.equal(models.aliases.champion.model_version, first, "the artifact became the champion");
    assert.match(models.versions[0].source, /^loaded from artifact isolation_forest\.json/);

    const trained = await trainCli([
      ...settingFlags({ ...MODEL, CONTAMINATION: "0.25" }),
      "--model-dir",
      dir,
      "--register",
      "--alias",
      "challenger",
    ]);
    const second = /challenger -> (sha256:[0-9a-f]{12})/.exec(trained)![1];
    await everyWorker(a, 2, (m) => m.serving.challenger === second, "challenger loaded");
    await everyWorker(b, 1, (m) => m.serving.challenger === second, "challenger loaded");

    const traffic = load([a.url, b.url], 6);
    try {
      await converged(traffic.seen, first, 3, "before promotion");
      const promoted = await promote(a.url, second);
      assert.equal(promoted.status, 200, await promoted.text());
      await converged(traffic.seen, second, 3, "after promotion");
      const rolledBack = await promote(b.url, first);
      assert.equal(rolledBack.status, 200, await rolledBack.text());
      await converged(traffic.seen, first, 3, "after rollback");
    } finally {
      await traffic.stop();
    }
    // Served from the registry now: /model names the version's file, not MODEL_NAME's.
    const firstFile = new RegExp(`^${first.slice("sha256:".length)}[0-9a-f]{52}\\.json$`);
    await everyWorkerArtifact(a, 2, firstFile);
    await everyWorkerArtifact(b, 1, firstFile);
    const failed = traffic.seen.filter((s) => s.status !== 200);
    assert.deepEqual(failed, [], "zero failed requests");
    assert.ok(traffic.seen.length > 50, `only ${traffic.seen.length} requests`);
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    assert.match(
      metrics,
      /^shadow_predictions_total\{champion="[^"]+",challenger="[^"]+",agree="(true|false)"\} [1-9]/m,
    );
  } finally {
    for (const backend of backends) await backend.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * The registry's day-two breaks, each against the real backend process on a
 * MODEL_DIR of its own: a damaged champion (at start and at promotion), a
 * version file holding another version, a truncated alias, legacy and
 * registry both damaged, locks that would block (future mtime, dead holder,
 * unremovable), a failed start then a promotion, a symlinked artifact, a
 * temporal model serving, concurrent compare-and-set promotions, bad input.
 * The full and read-only store cases are in `registry_store_test.ts`.
 */
import assert from "node:assert/strict";
import { type BackendProcess, startBackend } from "../../testing/backend_process.ts";
import { waitFor } from "../../testing/poll.ts";
import { ModelRegistry } from "../store/registry/mod.ts";
import { tinyModel } from "./_models.ts";
import type { Model } from "../detector/mod.ts";

const TOKEN = "registry-breaks-admin-0123456789";
const ALICE = "alice-token-0123456789abcdef";
const BOB = "bob-token-0123456789abcdef0";
const A = tinyModel(0.05);
const B = tinyModel(0.1);
const C = tinyModel(0.2);
const short = (m: Model) => m.info.version;
const hex = (m: Model) => m.contentHash.slice("sha256:".length);

/** A MODEL_DIR with versions registered and the champion moved through `champions` in order. */
async function seeded(models: Model[], champions: Model[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "registry-breaks-" });
  const registry = new ModelRegistry(dir, { retention: 10 });
  for (const m of models) await registry.register(m, { source: "test" });
  for (const m of champions) await registry.setAlias("champion", m.contentHash, "test");
  return dir;
}

async function damage(dir: string, m: Model): Promise<void> {
  const path = `${dir}/versions/${hex(m)}.json`;
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.slice(0, Math.floor(text.length / 2)));
}

async function withBackend(
  dir: string,
  env: Record<string, string>,
  fn: (backend: BackendProcess) => Promise<void>,
  options: { waitReady?: boolean } = {},
): Promise<void> {
  const backend = await startBackend({
    env: {
      MODEL_DIR: dir,
      MODEL_POLL_S: "0.2",
      ADMIN_TOKEN: TOKEN,
      ADMIN_TOKENS: `alice:${ALICE},bob:${BOB}`,
      N_ESTIMATORS: "10",
      TRAINING_SIZE: "500",
      ...env,
    },
    waitReady: options.waitReady ?? false,
  });
  try {
    await fn(backend);
  } finally {
    await backend.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  return { status: res.status, body: await res.json() };
}

/** /ready once the start-up load has finished (ready or failed). */
function settled(backend: BackendProcess) {
  return waitFor(async () => {
    const r = await getJson(`${backend.url}/ready`);
    return r.body.status === "loading" ? undefined : r;
  }, { what: "the start-up load to finish", timeoutMs: 30_000 });
}

function put(
  backend: BackendProcess,
  alias: string,
  body: unknown,
  token = TOKEN,
): Promise<Response> {
  return fetch(`${backend.url}/models/aliases/${alias}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
}

async function championOnDisk(dir: string): Promise<string | null> {
  return (await new ModelRegistry(dir, { retention: 10 }).getAlias("champion"))?.version ?? null;
}

async function metric(backend: BackendProcess, name: string): Promise<number | null> {
  const text = await (await fetch(`${backend.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : null;
}

async function versionFiles(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(`${dir}/versions`))).map((e) => e.name).sort();
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("a damaged champion version at start serves the alias's previous version, says so, and never trains", async () => {
  const dir = await seeded([A, B], [A, B]);
  await damage(dir, B);
  const before = await versionFiles(dir);
  await withBackend(dir, {}, async (backend) => {
    // Ready once the start-up load is done; the registry's view follows with the first poll.
    const ready = await waitFor(async () => {
      const r = await getJson(`${backend.url}/ready`);
      return r.body.champion ? r : undefined;
    }, { what: "/ready reporting the champion", timeoutMs: 30_000 });
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.equal((await getJson(`${backend.url}/model`)).body.version, short(A));
    const champion = ready.body.champion as Record<string, unknown>;
    assert.equal(champion.intended, short(B));
    assert.equal(champion.serving, short(A));
    assert.equal(champion.matches_alias, false);
    assert.match(String(champion.reason), new RegExp(`names ${short(B)}.*previous version`));
    assert.equal(await metric(backend, "model_serving_matches_alias"), 0);
    assert.equal(await metric(backend, "model_fallback_total"), 1);
    assert.deepEqual(await versionFiles(dir), before, "nothing was trained or registered");
    assert.equal(await exists(`${dir}/isolation_forest.json`), false);
  });
});

Deno.test("a damaged champion without a previous version at start: not ready naming the alias and version, no training", async () => {
  const dir = await seeded([A, B], [B]);
  await damage(dir, B);
  const before = await versionFiles(dir);
  await withBackend(dir, {}, async (backend) => {
    const ready = await settled(backend);
    assert.equal(ready.status, 503);
    assert.match(
      String(ready.body.reason),
      new RegExp(`^Champion alias names ${short(B)}, which cannot be served: it is not valid JSON`),
    );
    assert.deepEqual(await versionFiles(dir), before);
    assert.equal(await exists(`${dir}/isolation_forest.json`), false);
  });
});

Deno.test("with both the legacy artifact and the registry's champion damaged the service stays not ready and trains nothing", async () => {
  const dir = await seeded([B], [B]);
  await damage(dir, B);
  await Deno.writeTextFile(`${dir}/isolation_forest.json`, '{"format": "isolation-forest');
  await withBackend(dir, {}, async (backend) => {
    const ready = await settled(backend);
    assert.equal(ready.status, 503);
    assert.match(String(ready.body.reason), new RegExp(`Champion alias names ${short(B)}`));
    assert.deepEqual(await versionFiles(dir), [`${hex(B)}.json`, `${hex(B)}.meta.json`]);
    assert.equal(
      await Deno.readTextFile(`${dir}/isolation_forest.json`),
      '{"format": "isolation-forest',
      "the legacy artifact is left alone",
    );
  });
});

Deno.test("a truncated champion alias file is rebuilt from the alias history, and the next promotion records the right previous", async () => {
  const dir = await seeded([A, B, C], [A, B]);
  const aliasFile = `${dir}/aliases/champion.json`;
  const text = await Deno.readTextFile(aliasFile);
  await Deno.writeTextFile(aliasFile, text.slice(0, 20));
  await withBackend(dir, {}, async (backend) => {
    const ready = await settled(backend);
    assert.equal(ready.status, 200);
    assert.equal((await getJson(`${backend.url}/model`)).body.version, short(B));
    const models = await getJson(`${backend.url}/models`);
    assert.equal(
      (models.body.aliases as { champion: { version: string } | null }).champion?.version,
      B.contentHash,
    );
    const res = await put(backend, "champion", { version: short(C) });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).previous, B.contentHash);
  });
});

Deno.test("a promotion to a damaged version, or to a file holding another version, is refused with 422 and moves nothing", async () => {
  const dir = await seeded([A, B, C], [A]);
  await withBackend(dir, {}, async (backend) => {
    assert.equal((await settled(backend)).status, 200);
    await damage(dir, B);
    // C's file now holds A's artifact: its content hash is not its name.
    await Deno.copyFile(`${dir}/versions/${hex(A)}.json`, `${dir}/versions/${hex(C)}.json`);
    for (const [m, why] of [[B, /not valid JSON/], [C, /holds another model/]] as const) {
      const res = await put(backend, "champion", { version: m.contentHash });
      const body = await res.json();
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      assert.match(body.detail, why);
      assert.match(body.detail, /alias champion is unchanged/);
    }
    assert.equal(await championOnDisk(dir), A.contentHash);
    assert.equal((await getJson(`${backend.url}/model`)).body.version, short(A));
  });
});

Deno.test("a replica that failed its start becomes ready when the alias is moved to a loadable version, without a restart", async () => {
  const dir = await seeded([A, B], [B]);
  await damage(dir, B);
  await withBackend(dir, { TRAIN_IF_MISSING: "0" }, async (backend) => {
    assert.equal((await settled(backend)).status, 503);
    const res = await put(backend, "champion", { version: A.contentHash, reason: "B is damaged" });
    assert.equal(res.status, 200);
    await waitFor(async () => (await getJson(`${backend.url}/ready`)).status === 200 || undefined, {
      what: "/ready 200 after the promotion",
    });
    assert.equal((await getJson(`${backend.url}/model`)).body.version, short(A));
  });
});

Deno.test("a registry lock with a future mtime (clock skew) is taken over", async () => {
  const dir = await seeded([A, B], [A]);
  await withBackend(dir, {}, async (backend) => {
    assert.equal((await settled(backend)).status, 200);
    await Deno.writeTextFile(`${dir}/aliases/.lock`, "");
    const future = new Date(Date.now() + 3_600_000);
    await Deno.utime(`${dir}/aliases/.lock`, future, future);
    const res = await put(backend, "champion", { version: B.contentHash });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(await championOnDisk(dir), B.contentHash);
  });
});

Deno.test("a lock left by a writer that died mid-promotion is taken over and its temp file is removed at start", async () => {
  const dir = await seeded([A, B], [A]);
  // What a writer killed between its temp file and the rename leaves: the lock (naming a
  // process on this host that no longer holds it) and an empty temp file.
  const dead = new Deno.Command("true").spawn();
  const { success } = await dead.status;
  assert.ok(success);
  const lock = `${dir}/aliases/.lock`;
  await Deno.writeTextFile(
    lock,
    JSON.stringify({ pid: dead.pid, host: Deno.hostname(), at: new Date().toISOString() }),
  );
  const temp = `${dir}/aliases/.champion.json.tmp-${dead.pid}-0badc0de`;
  await Deno.writeTextFile(temp, "");
  const old = new Date(Date.now() - 120_000);
  await Deno.utime(temp, old, old);
  // Keep the lock looking fresh: only the dead-holder rule can release it.
  const fresh = setInterval(() => Deno.utime(lock, new Date(), new Date()).catch(() => {}), 200);
  try {
    await withBackend(dir, {}, async (backend) => {
      assert.equal((await settled(backend)).status, 200);
      assert.equal(await exists(temp), false, "the stray temp file is removed at start");
      const res = await put(backend, "champion", { version: B.contentHash });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(await championOnDisk(dir), B.contentHash);
    });
  } finally {
    clearInterval(fresh);
  }
});

Deno.test("a lock that cannot be removed answers 503 with Retry-After naming the lock, never hangs", async () => {
  const dir = await seeded([A, B], [A]);
  await withBackend(dir, {}, async (backend) => {
    assert.equal((await settled(backend)).status, 200);
    // A directory (not empty) where the lock file should be: no writer can remove it.
    await Deno.mkdir(`${dir}/aliases/.lock/x`, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(`${dir}/aliases/.lock`, old, old);
    const res = await put(backend, "champion", { version: B.contentHash });
    const body = await res.json();
    assert.equal(res.status, 503, JSON.stringify(body));
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    assert.ok(Number(res.headers.get("retry-after")) >= 1);
    assert.equal(body.store_state, "locked");
    assert.match(body.detail, /locked: MODEL_DIR\/aliases\/\.lock .*cannot be removed/);
    assert.equal(await championOnDisk(dir), A.contentHash);
    assert.equal((await getJson(`${backend.url}/health`)).status, 200, "still answering");
  });
});

Deno.test("a symlinked artifact's content never reaches /ready, /model, /models or a version's source", async () => {
  const secretDir = await Deno.makeTempDir({ prefix: "registry-secret-" });
  const secret = `${secretDir}/secret.txt`;
  await Deno.writeTextFile(secret, "TOPSECRET-7f3a: not a model at all\n");
  // The legacy artifact on a fresh store (trained over), and a registry version file.
  const legacyDir = await Deno.makeTempDir({ prefix: "registry-breaks-" });
  await Deno.symlink(secret, `${legacyDir}/isolation_forest.json`);
  const registryDir = await seeded([A, B], [A, B]);
  await Deno.remove(`${registryDir}/versions/${hex(B)}.json`);
  await Deno.symlink(secret, `${registryDir}/versions/${hex(B)}.json`);
  await Deno.remove(`${registryDir}/versions/${hex(B)}.meta.json`);
  try {
    for (const dir of [legacyDir, registryDir]) {
      await withBackend(dir, {}, async (backend) => {
        await settled(backend);
        for (const path of ["/ready", "/model", "/models", "/health"]) {
          const text = await (await fetch(`${backend.url}${path}`)).text();
          assert.ok(!text.includes("TOPSECRET"), `${path} leaks the file: ${text.slice(0, 300)}`);
          assert.ok(!text.includes("not a model at all"), `${path} leaks the file`);
        }
        const promote = await put(backend, "champion", { version: B.contentHash });
        const text = await promote.text();
        assert.ok(!text.includes("TOPSECRET"), text);
        assert.notEqual(promote.status, 200, text);
      });
    }
  } finally {
    await Deno.remove(secretDir, { recursive: true });
  }
});

Deno.test("concurrent PUTs with expected_version: exactly one wins, the rest get 409 with the current version", async () => {
  const dir = await seeded([A, B, C], [A]);
  await withBackend(dir, {}, async (backend) => {
    assert.equal((await settled(backend)).status, 200);
    const targets = [B, C, B, C, B, C, B, C, B, C];
    const answers = await Promise.all(targets.map(async (m, i) => {
      const res = await put(
        backend,
        "champion",
        { version: m.contentHash, expected_version: A.contentHash, reason: `attempt ${i}` },
        i % 2 === 0 ? ALICE : BOB,
      );
      return { status: res.status, body: await res.json() };
    }));
    const won = answers.filter((a) => a.status === 200);
    const lost = answers.filter((a) => a.status === 409);
    assert.equal(won.length, 1, JSON.stringify(answers.map((a) => a.status)));
    assert.equal(lost.length, 9);
    const winner = won[0].body.version as string;
    for (const l of lost) {
      assert.equal(l.body.current_version, winner);
      assert.match(l.body.detail, /expected_version/);
    }
    const history = await getJson(`${backend.url}/models/aliases/champion/history`);
    const entries = history.body.entries as Record<string, unknown>[];
    assert.equal(entries.length, 2, "the seed's change and the one accepted change");
    assert.equal(entries[0].version, winner);
    assert.equal(entries[0].previous, A.contentHash);
    assert.equal(entries[0].actor, won[0].body.updated_by);
    assert.ok(["alice", "bob"].includes(String(entries[0].actor)));
    assert.match(String(entries[0].reason), /^attempt \d$/);
    assert.equal(entries[1].version, A.contentHash);
  });
});

Deno.test("the alias history lists every accepted change newest first, and rollback goes to any version in it", async () => {
  const dir = await seeded([A, B, C], [A]);
  await withBackend(dir, {}, async (backend) => {
    assert.equal((await settled(backend)).status, 200);
    const steps: [Model, string, string][] = [
      [B, ALICE, "better recall"],
      [C, BOB, "retrained on March"],
      [A, ALICE, "roll back two steps"],
    ];
    for (const [m, token, reason] of steps) {
      const res = await put(backend, "champion", { version: m.contentHash, reason }, token);
      assert.equal(res.status, 200, await res.clone().text());
    }
    const { body } = await getJson(`${backend.url}/models/aliases/champion/history`);
    const entries = body.entries as Record<string, unknown>[];
    assert.deepEqual(
      entries.map((e) => [e.version, e.previous, e.actor, e.reason]),
      [
        [A.contentHash, C.contentHash, "alice", "roll back two steps"],
        [C.contentHash, B.contentHash, "bob", "retrained on March"],
        [B.contentHash, A.contentHash, "alice", "better recall"],
        [A.contentHash, null, "test", null],
      ],
    );
    for (const e of entries) assert.ok(!Number.isNaN(Date.parse(String(e.at))));
    assert.equal((await getJson(`${backend.url}/model`)).body.version, short(A));
  });
});

Deno.test("a 100 KB reason or a malformed expected_version gets a problem+json naming it and changes nothing", async () => {
  const dir = await seeded([A, B], [A]);
  await withBackend(dir, {}, async (backend) => {
    assert.equal((await settled(backend)).status, 200);
    const cases: [unknown, number, RegExp][] = [
      [
        { version: B.contentHash, reason: "x".repeat(100_000) },
        413,
        /exceeds the limit of 4096 bytes \(the admin request limit\)/,
      ],
      [{ version: B.contentHash, reason: "x".repeat(501) }, 422, /reason must have at most 500/],
      [{ version: B.contentHash, expected_version: "yesterday" }, 422, /^expected_version must/],
      [{ version: B.contentHash, expected_version: 12 }, 422, /^expected_version must/],
      [{ version: B.contentHash, expectedVersion: A.contentHash }, 422, /expectedVersion is not/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await put(backend, "champion", body);
      const problem = await res.json();
      assert.equal(res.status, status, JSON.stringify(problem));
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      assert.match(problem.detail, detail);
    }
    assert.equal(await championOnDisk(dir), A.contentHash);
    const { body } = await getJson(`${backend.url}/models/aliases/champion/history`);
    assert.equal((body.entries as unknown[]).length, 1);
  });
});

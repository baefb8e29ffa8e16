/**
 * The registry on a store that fails for real: MODEL_DIR on a tiny tmpfs
 * that is filled up, remounted read-only, or too small for the model, then
 * given space back, against the real backend process. Admin calls answer 503
 * naming the store's state and change nothing; once space is back they work,
 * and a registration that failed at start is retried without a restart. Also
 * a temporal model served from MODEL_NAME: alias changes are refused, never
 * answered 200 and ignored.
 *
 * Mounting needs root (the test suite runs as root); where `mount` is not
 * permitted these tests are skipped, saying so.
 */
import assert from "node:assert/strict";
import { type BackendProcess, startBackend } from "../../testing/backend_process.ts";
import { waitFor } from "../../testing/poll.ts";
import { ModelRegistry } from "../store/registry/mod.ts";
import { tinyModel } from "./_models.ts";
import { trainCli } from "./_train_cli.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

const TOKEN = "registry-store-admin-0123456789";
const A = tinyModel(0.05);
const B = tinyModel(0.1);

async function mount(args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command("mount", { args, stdout: "null", stderr: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

/** Whether this process may mount a tmpfs (checked once). */
async function canMount(): Promise<boolean> {
  const dir = await Deno.makeTempDir({ prefix: "tmpfs-probe-" });
  const ok = await mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]);
  if (ok) await new Deno.Command("umount", { args: [dir] }).output();
  await Deno.remove(dir);
  return ok;
}

/** False where `mount` is not permitted: the tmpfs tests then show as ignored. */
const MOUNTABLE = await canMount();

/** A fresh tmpfs of `size` at a temp dir, unmounted and removed after `fn`. */
async function withTmpfs(size: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "registry-tmpfs-" });
  assert.ok(await mount(["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]), "mount tmpfs");
  try {
    await fn(dir);
  } finally {
    await new Deno.Command("umount", { args: [dir] }).output();
    await Deno.remove(dir, { recursive: true });
  }
}

async function withBackend(
  dir: string,
  env: Record<string, string>,
  fn: (backend: BackendProcess) => Promise<void>,
): Promise<void> {
  const backend = await startBackend({
    env: {
      MODEL_DIR: dir,
      MODEL_POLL_S: "0.2",
      ADMIN_TOKEN: TOKEN,
      N_ESTIMATORS: "10",
      TRAINING_SIZE: "500",
      ...env,
    },
    waitReady: true,
  });
  try {
    await fn(backend);
  } finally {
    await backend.stop();
  }
}

function promote(backend: BackendProcess, version: string): Promise<Response> {
  return fetch(`${backend.url}/models/aliases/champion`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ version, reason: "store test" }),
    signal: AbortSignal.timeout(20_000),
  });
}

async function champion(dir: string): Promise<string | null> {
  return (await new ModelRegistry(dir, { retention: 10 }).getAlias("champion"))?.version ?? null;
}

/** Fill the file system of `dir` with one file until it is full; returns that file. */
async function fill(dir: string): Promise<string> {
  const path = `${dir}/filler`;
  const file = await Deno.open(path, { create: true, write: true });
  const chunk = new Uint8Array(4096);
  try {
    for (;;) await file.write(chunk);
  } catch (err) {
    assert.equal((err as { code?: string }).code, "ENOSPC");
  } finally {
    file.close();
  }
  return path;
}

async function seed(dir: string): Promise<void> {
  const registry = new ModelRegistry(dir, { retention: 10 });
  await registry.register(A, { source: "test" });
  await registry.register(B, { source: "test" });
  await registry.setAlias("champion", A.contentHash, "test");
}

Deno.test({
  name:
    "a full store answers admin calls 503 naming it, changes nothing, and works once space is back",
  ignore: !MOUNTABLE,
  async fn() {
    await withTmpfs("2m", async (dir) => {
      await seed(dir);
      await withBackend(dir, {}, async (backend) => {
        const filler = await fill(dir);
        const res = await promote(backend, B.contentHash);
        const body = await res.json();
        assert.equal(res.status, 503, JSON.stringify(body));
        assert.equal(res.headers.get("content-type"), "application/problem+json");
        assert.ok(Number(res.headers.get("retry-after")) >= 1);
        assert.equal(body.store_state, "full");
        assert.match(body.detail, /^The model store is full: .*alias champion is unchanged$/);
        assert.ok(!body.detail.includes(dir), "no machine path in the answer");
        assert.equal(await champion(dir), A.contentHash);
        await Deno.remove(filler);
        const again = await promote(backend, B.contentHash);
        assert.equal(again.status, 200, await again.clone().text());
        assert.equal(await champion(dir), B.contentHash);
      });
    });
  },
});

Deno.test({
  name: "a read-only store answers admin calls 503 naming it, and works once writable again",
  ignore: !MOUNTABLE,
  async fn() {
    await withTmpfs("2m", async (dir) => {
      await seed(dir);
      await withBackend(dir, {}, async (backend) => {
        assert.ok(await mount(["-o", "remount,ro", dir]), "remount read-only");
        const res = await promote(backend, B.contentHash);
        const body = await res.json();
        assert.equal(res.status, 503, JSON.stringify(body));
        assert.equal(body.store_state, "read-only");
        assert.match(body.detail, /^The model store is read-only \(EROFS\)/);
        assert.equal(await champion(dir), A.contentHash);
        // The canary alias is refused the same way: 503, Retry-After, nothing routed.
        const canary = await fetch(`${backend.url}/models/aliases/canary`, {
          method: "PUT",
          headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ version: B.contentHash, percent: 10 }),
          signal: AbortSignal.timeout(20_000),
        });
        const canaryBody = await canary.json();
        assert.equal(canary.status, 503, JSON.stringify(canaryBody));
        assert.ok(Number(canary.headers.get("retry-after")) > 0);
        assert.match(canaryBody.detail, /alias canary is unchanged/);
        assert.ok(await mount(["-o", "remount,rw", dir]), "remount writable");
        const again = await promote(backend, B.contentHash);
        assert.equal(again.status, 200, await again.clone().text());
      });
    });
  },
});

Deno.test({
  name: "a start-up registration that failed on a full store is retried once space is back",
  ignore: !MOUNTABLE,
  async fn() {
    // Too small for the trained model: it serves from memory, unregistered, no champion.
    await withTmpfs("16k", async (dir) => {
      await withBackend(dir, {}, async (backend) => {
        const served = (await (await fetch(`${backend.url}/model`)).json()).version;
        assert.equal(await champion(dir), null);
        assert.ok(await mount(["-o", "remount,size=16m", dir]), "give space back");
        const registered = await waitFor(async () => (await champion(dir)) ?? undefined, {
          what: "the champion alias set by the retried registration",
        });
        assert.equal(registered.slice(0, 19), served);
        const history = await (await fetch(`${backend.url}/models/aliases/champion/history`))
          .json();
        assert.equal(history.entries.length, 1);
        assert.match(history.entries[0].actor, /^startup \(/);
      });
    });
  },
});

Deno.test("with a temporal model served from MODEL_NAME, alias changes are refused with 409, never answered 200 and ignored", async () => {
  const dir = await Deno.makeTempDir({ prefix: "registry-temporal-" });
  try {
    await seed(dir);
    const fleet = simulateFleet({ seed: 8, meters: 2, readingsPerMeter: 600, intervalMs: 10_000 });
    await Deno.writeTextFile(
      `${dir}/fleet.csv`,
      [
        "meter,voltage,current,frequency,y",
        ...fleet.readings.map((r) =>
          `${r.meter_id},${r.voltage},${r.current},${r.frequency},${r.anomaly ? 1 : 0}`
        ),
      ].join("\n"),
    );
    await trainCli([
      "--csv",
      `${dir}/fleet.csv`,
      "--label",
      "y",
      "--meter",
      "meter",
      "--detector",
      "temporal",
      "--model-dir",
      dir,
    ]);
    await withBackend(dir, { MODEL_NAME: "temporal_window.json" }, async (backend) => {
      const model = await (await fetch(`${backend.url}/model`)).json();
      assert.equal(model.name, "temporal_window");
      const res = await promote(backend, B.contentHash);
      const body = await res.json();
      assert.equal(res.status, 409, JSON.stringify(body));
      assert.match(body.detail, /temporal artifact MODEL_NAME names/);
      assert.equal(await champion(dir), A.contentHash, "the alias did not move");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

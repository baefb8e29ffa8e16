import assert from "node:assert/strict";
import { STALE_LOCK_MS, withLock } from "./registry_lock.ts";
import { StoreUnavailableError } from "./store_error.ts";

async function withDir(fn: (lock: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lock-test-" });
  try {
    await fn(`${dir}/.lock`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ran = (lock: string, waitMs = 2_000) =>
  withLock(lock, { waitMs }, () => Promise.resolve("ran"));

Deno.test("withLock() runs the function holding the lock file and removes it after", async () => {
  await withDir(async (lock) => {
    let during: Record<string, unknown> | null = null;
    await withLock(lock, { waitMs: 1_000 }, async () => {
      during = JSON.parse(await Deno.readTextFile(lock));
    });
    assert.equal(during!.pid, Deno.pid);
    assert.equal(typeof during!.host, "string");
    await assert.rejects(Deno.lstat(lock), Deno.errors.NotFound);
  });
});

Deno.test("withLock() serializes callers in one process", async () => {
  await withDir(async (lock) => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withLock(lock, { waitMs: 5_000 }, async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        })),
    );
    assert.equal(most, 1);
  });
});

Deno.test("withLock() waits for a live holder on this host and gives up at its deadline with a locked error", async () => {
  await withDir(async (lock) => {
    // A live holder: its record names this host and it keeps the advisory lock.
    const file = await Deno.open(lock, { createNew: true, read: true, write: true });
    try {
      assert.ok(await file.tryLock(true));
      await file.write(new TextEncoder().encode(
        JSON.stringify({ pid: 1, host: Deno.hostname(), at: new Date().toISOString() }),
      ));
      const error = await ran(lock, 300).then(() => null, (err) => err);
      assert.ok(error instanceof StoreUnavailableError, String(error));
      assert.equal(error.state, "locked");
      assert.match(error.message, /held by another writer; gave up after 300 ms/);
      assert.ok((await Deno.lstat(lock)).isFile, "a live holder's lock is left alone");
    } finally {
      file.close();
    }
  });
});

Deno.test("withLock() takes over a lock whose holder on this host is gone (crash mid-promotion)", async () => {
  await withDir(async (lock) => {
    await Deno.writeTextFile(
      lock,
      JSON.stringify({ pid: 999_999, host: Deno.hostname(), at: new Date().toISOString() }),
    );
    assert.equal(await ran(lock, 300), "ran");
  });
});

Deno.test("withLock() never takes a fresh lock of another host on the dead-holder rule", async () => {
  await withDir(async (lock) => {
    await Deno.writeTextFile(lock, JSON.stringify({ pid: 1, host: "another-host", at: "" }));
    const error = await ran(lock, 200).then(() => null, (err) => err);
    assert.ok(error instanceof StoreUnavailableError);
  });
});

Deno.test("withLock() takes over a lock older than STALE_LOCK_MS or further than that in the future", async () => {
  await withDir(async (lock) => {
    for (const offset of [-(STALE_LOCK_MS + 60_000), STALE_LOCK_MS + 3_600_000]) {
      await Deno.writeTextFile(lock, JSON.stringify({ pid: 1, host: "another-host", at: "" }));
      const when = new Date(Date.now() + offset);
      await Deno.utime(lock, when, when);
      assert.equal(await ran(lock, 300), "ran", `mtime ${offset} ms away`);
    }
  });
});

Deno.test("withLock() answers a lock it cannot remove with a locked error at its deadline instead of spinning", async () => {
  await withDir(async (lock) => {
    await Deno.mkdir(`${lock}/inside`, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(lock, old, old);
    const started = performance.now();
    const error = await ran(lock, 300).then(() => null, (err) => err);
    assert.ok(error instanceof StoreUnavailableError);
    assert.match(error.message, /older than 5000 ms but cannot be removed \(it is not a file\)/);
    // Bounded by the deadline (generous margin: the machine may be busy).
    assert.ok(performance.now() - started < 5_000);
  });
});

import assert from "node:assert/strict";
import { type Logger, silentLogger } from "../../../lib/logger.ts";
import { AliasWatcher, type LoadedVersion } from "./alias_watcher.ts";
import { ModelRegistry } from "./registry.ts";
import { tinyModel } from "../../tests/_models.ts";

const a = tinyModel(0.05);
const b = tinyModel(0.1);

async function setup(
  fn: (ctx: {
    registry: ModelRegistry;
    watcher: AliasWatcher;
    champions: LoadedVersion[];
    challengers: (LoadedVersion | null)[];
    logged: string[];
    dir: string;
  }) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "watcher-test-" });
  const registry = new ModelRegistry(dir, { retention: 5 });
  await registry.register(a, { source: "a" });
  await registry.register(b, { source: "b" });
  await registry.setAlias("champion", a.contentHash, "test");
  const champions: LoadedVersion[] = [];
  const challengers: (LoadedVersion | null)[] = [];
  const logged: string[] = [];
  const logger: Logger = { ...silentLogger, error: (event) => logged.push(event) };
  const watcher = new AliasWatcher({
    registry,
    logger,
    intervalMs: 60_000,
    onChampion: (l) => champions.push(l),
    onChallenger: (l) => challengers.push(l),
  }, a.contentHash);
  try {
    await fn({ registry, watcher, champions, challengers, logged, dir });
  } finally {
    await watcher.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("AliasWatcher.poll() reports a moved champion and a set or removed challenger once", async () => {
  await setup(async ({ registry, watcher, champions, challengers }) => {
    await watcher.poll();
    assert.equal(champions.length, 0, "the champion already served is not reloaded");
    await registry.setAlias("challenger", b.contentHash, "t");
    await watcher.poll();
    await watcher.poll();
    assert.equal(challengers.length, 1);
    assert.equal(challengers[0]?.model.contentHash, b.contentHash);
    await registry.setAlias("champion", b.contentHash, "t");
    await registry.deleteAlias("challenger");
    await watcher.poll();
    assert.equal(champions.length, 1);
    assert.equal(champions[0].model.contentHash, b.contentHash);
    assert.equal(challengers.at(-1), null);
  });
});

Deno.test("AliasWatcher keeps the current champion (the alias's previous) when the new version is damaged, logging once", async () => {
  await setup(async ({ registry, watcher, champions, logged }) => {
    await registry.setAlias("champion", b.contentHash, "t");
    const path = registry.artifactPath(b.contentHash);
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.replace('"threshold": 0.', '"threshold": 0.1'));
    await watcher.poll();
    await watcher.poll();
    assert.equal(champions.length, 0);
    assert.deepEqual(logged, ["model_version_unusable", "model_fallback"]);
    await Deno.writeTextFile(path, text); // repaired
    await watcher.poll();
    assert.equal(champions.length, 1);
  });
});

Deno.test("AliasWatcher.start() polls on its interval", async () => {
  await setup(async ({ registry, challengers }) => {
    const fast = new AliasWatcher({
      registry,
      logger: silentLogger,
      intervalMs: 20,
      onChampion: () => {},
      onChallenger: (l) => challengers.push(l),
    }, a.contentHash);
    fast.start();
    try {
      await registry.setAlias("challenger", b.contentHash, "t");
      const deadline = Date.now() + 5_000;
      while (challengers.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(challengers.length, 1);
    } finally {
      await fast.stop();
    }
  });
});

Deno.test("AliasWatcher.poll() follows the canary: loads it, reports a new percent, and routes nothing to a damaged version until it is repaired", async () => {
  const dir = await Deno.makeTempDir({ prefix: "watcher-canary-" });
  const registry = new ModelRegistry(dir, { retention: 5 });
  await registry.register(a, { source: "a" });
  await registry.register(b, { source: "b" });
  await registry.setAlias("champion", a.contentHash, "test");
  const seen: [string | null, number, string | null, boolean][] = [];
  const logged: string[] = [];
  const watcher = new AliasWatcher({
    registry,
    logger: { ...silentLogger, error: (event) => logged.push(event) },
    intervalMs: 60_000,
    onChampion: () => {},
    onChallenger: () => {},
    onCanary: (c, loaded) => seen.push([c.serving, c.percent, c.reason, loaded !== null]),
  }, a.contentHash);
  try {
    await watcher.poll();
    assert.equal(seen.length, 0, "no canary, nothing to report");
    await registry.setAlias("canary", b.contentHash, "t", { percent: 10 });
    await watcher.poll();
    await registry.setAlias("canary", b.contentHash, "t", { percent: 20 });
    await watcher.poll();
    await watcher.poll();
    assert.deepEqual(seen, [[b.contentHash, 10, null, true], [b.contentHash, 20, null, false]]);
    await registry.deleteAlias("canary", "t");
    await watcher.poll();
    assert.deepEqual(seen.at(-1), [null, 0, null, false], "removed");
    // The version file is damaged after the alias is set: this replica routes nothing to it.
    const text = Deno.readTextFileSync(registry.artifactPath(b.contentHash));
    Deno.writeTextFileSync(registry.artifactPath(b.contentHash), text.slice(0, 100));
    Deno.writeTextFileSync(
      `${dir}/aliases/canary.json`,
      JSON.stringify({ version: b.contentHash, percent: 30, seq: 9 }),
    );
    await watcher.poll();
    const [serving, percent, reason] = seen.at(-1)!;
    assert.equal(serving, null);
    assert.equal(percent, 30);
    assert.match(
      reason ?? "",
      /^Canary alias names sha256:\w{12}, which cannot be served: .*; the champion answers its 30 %$/,
    );
    assert.ok(logged.includes("model_version_unusable"));
    Deno.writeTextFileSync(registry.artifactPath(b.contentHash), text);
    await watcher.poll();
    assert.deepEqual(seen.at(-1), [b.contentHash, 30, null, true], "repaired: routed again");
  } finally {
    await watcher.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { type Model, trainModel } from "../../detector/mod.ts";
import {
  AliasConflictError,
  ModelRegistry,
  VersionNotFoundError,
  VersionUnusableError,
} from "./registry.ts";
import { StoreUnavailableError } from "./store_error.ts";

const models = new Map<number, Model>();
/** A tiny model per seed (distinct versions), trained once per test process. */
function model(seed: number): Model {
  if (!models.has(seed)) {
    models.set(
      seed,
      trainModel({ contamination: 0.05, nEstimators: 5, sampleSize: 32, seed, trainingSize: 200 }, {
        evaluation: false,
      }),
    );
  }
  return models.get(seed)!;
}

async function withRegistry(
  retention: number,
  fn: (registry: ModelRegistry, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "registry-test-" });
  try {
    await fn(new ModelRegistry(dir, { retention }), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("register() stores the artifact under its hash with metadata, once", async () => {
  await withRegistry(5, async (registry, dir) => {
    const m = model(1);
    const first = await registry.register(m, { source: "test", createdAt: "2026-01-01T00:00:00Z" });
    assert.equal(first.created, true);
    assert.equal(first.meta.version, m.contentHash);
    assert.equal(first.meta.short, m.info.version);
    assert.deepEqual(first.meta.config, m.info.config);
    const again = await registry.register(m, { source: "other" });
    assert.equal(again.created, false);
    assert.equal(again.meta.source, "test", "the first registration's metadata is kept");
    const hex = m.contentHash.slice(7);
    assert.deepEqual(
      [...Deno.readDirSync(`${dir}/versions`)].map((e) => e.name).sort(),
      [`${hex}.json`, `${hex}.meta.json`],
    );
    assert.equal(
      await registry.readArtifact(m.contentHash),
      Deno.readTextFileSync(`${dir}/versions/${hex}.json`),
    );
  });
});

Deno.test("list() returns versions newest first and resolve() accepts unique prefixes", async () => {
  await withRegistry(5, async (registry) => {
    await registry.register(model(1), { source: "a", createdAt: "2026-01-01T00:00:00Z" });
    await registry.register(model(2), { source: "b", createdAt: "2026-01-02T00:00:00Z" });
    const list = await registry.list();
    assert.deepEqual(list.map((m) => m.source), ["b", "a"]);
    assert.equal(await registry.resolve(model(1).info.version), model(1).contentHash);
    assert.equal(await registry.resolve(model(2).contentHash.slice(7, 30)), model(2).contentHash);
    await assert.rejects(() => registry.resolve("sha256:000000000000"), VersionNotFoundError);
    await assert.rejects(() => registry.resolve("nope"), TypeError);
  });
});

Deno.test("setAlias() records the previous version and rejects unknown versions", async () => {
  await withRegistry(5, async (registry) => {
    await registry.register(model(1), { source: "a" });
    await registry.register(model(2), { source: "b" });
    assert.deepEqual(await registry.aliases(), { champion: null, challenger: null });
    await registry.setAlias("champion", model(1).contentHash, "test");
    const moved = await registry.setAlias("champion", model(2).contentHash, "test");
    assert.equal(moved.previous, model(1).contentHash);
    assert.equal((await registry.getAlias("champion"))?.version, model(2).contentHash);
    await assert.rejects(
      () => registry.setAlias("challenger", `sha256:${"0".repeat(64)}`, "test"),
      VersionNotFoundError,
    );
    assert.equal(await registry.deleteAlias("challenger"), false);
    await registry.setAlias("challenger", model(1).contentHash, "test");
    assert.equal(await registry.deleteAlias("challenger"), true);
    assert.equal(await registry.getAlias("challenger"), null);
  });
});

Deno.test("setAliasIfAbsent() sets the alias only once under concurrent callers", async () => {
  await withRegistry(5, async (registry) => {
    await registry.register(model(1), { source: "a" });
    await registry.register(model(2), { source: "b" });
    const results = await Promise.all([
      registry.setAliasIfAbsent("champion", model(1).contentHash, "r1"),
      registry.setAliasIfAbsent("champion", model(2).contentHash, "r2"),
    ]);
    assert.equal(results.filter(Boolean).length, 1);
    const winner = results[0] ? model(1) : model(2);
    assert.equal((await registry.getAlias("champion"))?.version, winner.contentHash);
  });
});

Deno.test("prune() keeps the newest versions and never one an alias names or named", async () => {
  await withRegistry(2, async (registry) => {
    const day = (d: number) => `2026-01-0${d}T00:00:00Z`;
    await registry.register(model(1), { source: "1", createdAt: day(1) });
    await registry.register(model(2), { source: "2", createdAt: day(2) });
    await registry.setAlias("champion", model(1).contentHash, "t");
    await registry.setAlias("champion", model(2).contentHash, "t"); // previous = 1
    await registry.register(model(3), { source: "3", createdAt: day(3) });
    await registry.setAlias("challenger", model(3).contentHash, "t");
    await registry.register(model(4), { source: "4", createdAt: day(4) });
    const r5 = await registry.register(model(5), { source: "5", createdAt: day(5) });
    // Newest two are 5 and 4; 3 is the challenger, 2 the champion, 1 its previous.
    assert.deepEqual(r5.pruned, []);
    await registry.deleteAlias("challenger");
    const r6 = await registry.register(model(6), { source: "6", createdAt: day(6) });
    // 3 is in the challenger's history (a rollback target); 4 was never aliased.
    assert.deepEqual(r6.pruned, [model(4).contentHash]);
    assert.deepEqual((await registry.list()).map((m) => m.source), ["6", "5", "3", "2", "1"]);
    assert.equal(await registry.readArtifact(model(4).contentHash), null);
  });
});

Deno.test("register() by concurrent writers of different versions leaves every artifact complete", async () => {
  await withRegistry(10, async (registry, dir) => {
    const ms = [1, 2, 3, 4].map(model);
    await Promise.all([...ms, ...ms].map((m) => registry.register(m, { source: "race" })));
    assert.equal((await registry.list()).length, 4);
    for (const m of ms) {
      const text = await registry.readArtifact(m.contentHash);
      assert.ok(text?.includes(m.contentHash));
    }
    assert.ok(
      [...Deno.readDirSync(`${dir}/versions`)].every((e) => !e.name.startsWith(".")),
      "no temp files left",
    );
  });
});

Deno.test("list() derives metadata from the artifact when the metadata file is missing", async () => {
  await withRegistry(5, async (registry, dir) => {
    await registry.register(model(1), { source: "a" });
    await Deno.remove(`${dir}/versions/${model(1).contentHash.slice(7)}.meta.json`);
    const [meta] = await registry.list();
    assert.equal(meta.version, model(1).contentHash);
    assert.match(meta.source, /metadata lost/);
  });
});

Deno.test("ModelRegistry rejects a retention below 1", () => {
  assert.throws(
    () => new ModelRegistry("/tmp/x", { retention: 0 }),
    /Retention must be a positive integer, got 0/,
  );
});

Deno.test("setAlias() racing with retention never leaves an alias pointing at a deleted version", async () => {
  await withRegistry(1, async (registry) => {
    const versions = [1, 2, 3, 4, 5, 6].map(model);
    for (const [i, m] of versions.entries()) {
      await registry.register(m, { source: `${i}`, createdAt: `2026-01-0${i + 1}T00:00:00Z` });
    }
    // Retention 1 keeps only the newest and the aliased: every older version is a prune candidate.
    // A writer with a large retention puts the target back without pruning it at once.
    const writer = new ModelRegistry(registry.dir, { retention: 100 });
    for (let round = 0; round < 30; round++) {
      const target = versions[round % 5];
      await writer.register(target, { source: "again", createdAt: "2025-01-01T00:00:00Z" });
      assert.notEqual(await registry.readArtifact(target.contentHash), null);
      const results = await Promise.allSettled([
        registry.setAlias("challenger", target.contentHash, "race"),
        registry.prune(),
        registry.prune(),
      ]);
      const alias = await registry.getAlias("challenger");
      if (alias) {
        assert.notEqual(
          await registry.readArtifact(alias.version),
          null,
          `round ${round}: the challenger points at a deleted version`,
        );
      }
      const set = results[0];
      if (set.status === "fulfilled") {
        assert.equal(alias?.version, target.contentHash, `round ${round}`);
      } else {
        assert.ok(set.reason instanceof VersionNotFoundError, String(set.reason));
      }
    }
  });
});

Deno.test("setAlias() waits for the registry lock and takes over one left by a dead writer", async () => {
  await withRegistry(5, async (registry, dir) => {
    const m = model(1);
    await registry.register(m, { source: "test" });
    await Deno.mkdir(`${dir}/aliases`, { recursive: true });
    // A live writer's lock: the alias moves only once it is released.
    await Deno.writeTextFile(`${dir}/aliases/.lock`, "");
    let done = false;
    const pending = registry.setAlias("champion", m.contentHash, "test").then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(done, false, "setAlias() went ahead while another writer held the lock");
    await Deno.remove(`${dir}/aliases/.lock`);
    assert.equal((await pending).version, m.contentHash);
    // A lock whose writer died long ago does not block anyone.
    await Deno.writeTextFile(`${dir}/aliases/.lock`, "");
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(`${dir}/aliases/.lock`, old, old);
    await registry.deleteAlias("champion");
    assert.equal(
      (await registry.setAlias("champion", m.contentHash, "test")).version,
      m.contentHash,
    );
    await assert.rejects(Deno.stat(`${dir}/aliases/.lock`), Deno.errors.NotFound);
  });
});

Deno.test("ModelRegistry.recordEvaluation() stores an evaluation in the version's metadata only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "registry-eval-" });
  const registry = new ModelRegistry(dir, { retention: 3 });
  const model = trainModel(
    { contamination: 0.05, nEstimators: 5, sampleSize: 32, seed: 1, trainingSize: 200 },
    { evaluation: false },
  );
  const { meta } = await registry.register(model, { source: "test" });
  const artifact = await registry.readArtifact(meta.version);
  await registry.recordEvaluation(meta.version, { precision: 0.9, recall: 0.8 });
  assert.deepEqual((await registry.meta(meta.version))?.evaluation, {
    precision: 0.9,
    recall: 0.8,
  });
  assert.deepEqual((await registry.list())[0].evaluation, { precision: 0.9, recall: 0.8 });
  assert.equal(await registry.readArtifact(meta.version), artifact);
  await assert.rejects(
    () => registry.recordEvaluation(`sha256:${"0".repeat(64)}`, {}),
    VersionNotFoundError,
  );
});

Deno.test("setAlias() with expectedVersion moves the alias only from that version (compare-and-set)", async () => {
  await withRegistry(5, async (registry) => {
    for (const s of [1, 2, 3]) await registry.register(model(s), { source: String(s) });
    await assert.rejects(
      registry.setAlias("champion", model(1).contentHash, "a", {
        expectedVersion: model(2).contentHash,
      }),
      (err) => err instanceof AliasConflictError && err.current === null,
    );
    await registry.setAlias("champion", model(1).contentHash, "a", { expectedVersion: null });
    const results = await Promise.allSettled(
      [2, 3].map((s) =>
        registry.setAlias("champion", model(s).contentHash, `r${s}`, {
          expectedVersion: model(1).info.version,
        })
      ),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.ok(lost.reason instanceof AliasConflictError);
    assert.equal(lost.reason.current?.version, (await registry.getAlias("champion"))?.version);
  });
});

Deno.test("history() lists changes newest first with actor and reason, including a removal", async () => {
  await withRegistry(5, async (registry) => {
    for (const s of [1, 2]) await registry.register(model(s), { source: String(s) });
    await registry.setAlias("challenger", model(1).contentHash, "alice", { reason: "try it" });
    await registry.setAlias("challenger", model(2).contentHash, "bob");
    await registry.deleteAlias("challenger", "alice", "done");
    const history = await registry.history("challenger");
    assert.deepEqual(history.map((e) => [e.seq, e.version, e.previous, e.actor, e.reason]), [
      [3, null, model(2).contentHash, "alice", "done"],
      [2, model(2).contentHash, model(1).contentHash, "bob", null],
      [1, model(1).contentHash, null, "alice", "try it"],
    ]);
  });
});

Deno.test("history() and the next setAlias() recover the entry of a writer that died after moving the alias", async () => {
  await withRegistry(5, async (registry, dir) => {
    for (const s of [1, 2, 3]) await registry.register(model(s), { source: String(s) });
    await registry.setAlias("champion", model(1).contentHash, "a");
    await registry.setAlias("champion", model(2).contentHash, "b");
    // Drop the last history line: the alias file was written, the append never happened.
    const path = `${dir}/aliases/champion.history.jsonl`;
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    await Deno.writeTextFile(path, `${lines[0]}\n`);
    assert.deepEqual((await registry.history("champion")).map((e) => e.seq), [2, 1]);
    await registry.setAlias("champion", model(3).contentHash, "c");
    assert.deepEqual((await registry.history("champion")).map((e) => [e.seq, e.actor]), [
      [3, "c"],
      [2, "b"],
      [1, "a"],
    ]);
    assert.equal((await Deno.readTextFile(path)).trimEnd().split("\n").length, 3);
  });
});

Deno.test("aliasStatus() rebuilds a damaged alias from its history, and names the problem when it cannot", async () => {
  await withRegistry(5, async (registry, dir) => {
    await registry.register(model(1), { source: "1" });
    await registry.setAlias("champion", model(1).contentHash, "a");
    await Deno.writeTextFile(`${dir}/aliases/champion.json`, '{"alias":"champ');
    const rebuilt = await registry.aliasStatus("champion");
    assert.equal(rebuilt.record?.version, model(1).contentHash);
    assert.match(
      rebuilt.record?.recovered ?? "",
      /champion\.json is damaged; rebuilt from its history/,
    );
    await Deno.remove(`${dir}/aliases/champion.history.jsonl`);
    const lost = await registry.aliasStatus("champion");
    assert.equal(lost.record, null);
    assert.match(lost.problem ?? "", /is damaged and its history has no entry/);
  });
});

Deno.test("loadVersion() refuses a symlinked, damaged or mislabelled version file without quoting it", async () => {
  await withRegistry(5, async (registry, dir) => {
    for (const s of [1, 2, 3]) await registry.register(model(s), { source: String(s) });
    const secret = `${dir}/secret.txt`;
    await Deno.writeTextFile(secret, "TOPSECRET bytes");
    await Deno.remove(registry.artifactPath(model(1).contentHash));
    await Deno.symlink(secret, registry.artifactPath(model(1).contentHash));
    await Deno.writeTextFile(registry.artifactPath(model(2).contentHash), "TOPSECRET{");
    await Deno.copyFile(registry.artifactPath(model(3).contentHash), `${dir}/c.json`);
    const cases: [number, RegExp][] = [
      [1, /its file is a symbolic link/],
      [2, /it is not valid JSON \(truncated or damaged\)/],
    ];
    for (const [seed, why] of cases) {
      const err = await registry.loadVersion(model(seed).contentHash).then(() => null, (e) => e);
      assert.ok(err instanceof VersionUnusableError, String(err));
      assert.match(err.message, why);
      assert.ok(!err.message.includes("TOPSECRET"));
    }
    await Deno.copyFile(
      registry.artifactPath(model(3).contentHash),
      registry.artifactPath(model(2).contentHash),
    );
    await assert.rejects(
      registry.setAlias("champion", model(2).contentHash, "a"),
      /its file holds another model \(content hash sha256:/,
    );
    assert.equal(await registry.getAlias("champion"), null);
  });
});

Deno.test("removeStrayTemps() removes temp files older than a minute, never a fresh one", async () => {
  await withRegistry(5, async (registry, dir) => {
    await registry.register(model(1), { source: "1" });
    await Deno.mkdir(`${dir}/aliases`, { recursive: true });
    const stale = `${dir}/aliases/.champion.json.tmp-1-dead`;
    const fresh = `${dir}/versions/.x.json.tmp-2-live`;
    await Deno.writeTextFile(stale, "");
    await Deno.writeTextFile(fresh, "");
    const old = new Date(Date.now() - 120_000);
    await Deno.utime(stale, old, old);
    assert.equal(await registry.removeStrayTemps(), 1);
    await assert.rejects(Deno.lstat(stale), Deno.errors.NotFound);
    assert.ok((await Deno.lstat(fresh)).isFile);
  });
});

Deno.test("loadVersion() loads a version with its registration time", async () => {
  await withRegistry(5, async (registry) => {
    await registry.register(model(1), { source: "1", createdAt: "2026-01-02T03:04:05.000Z" });
    const { model: loaded, text } = await registry.loadVersion(model(1).contentHash, {
      source: "test",
    });
    assert.equal(loaded.contentHash, model(1).contentHash);
    assert.equal(loaded.info.createdAt, "2026-01-02T03:04:05.000Z");
    assert.equal(text, await registry.readArtifact(model(1).contentHash));
  });
});

Deno.test("reads of a store file the system refuses (a directory in its place) throw StoreUnavailableError naming no path", async () => {
  await withRegistry(5, async (registry, dir) => {
    const m = model(1);
    await registry.register(m, { source: "test" });
    await registry.setAlias("champion", m.contentHash, "test");
    await Deno.mkdir(`${dir}/aliases/challenger.json`);
    await Deno.remove(`${dir}/aliases/champion.history.jsonl`);
    await Deno.mkdir(`${dir}/aliases/champion.history.jsonl`);
    for (const read of [() => registry.aliases(), () => registry.history("champion")]) {
      await assert.rejects(read, (err: Error) => {
        assert.ok(err instanceof StoreUnavailableError, String(err));
        assert.equal(err.state, "failing");
        assert.match(err.message, /EISDIR|IsADirectory/);
        assert.ok(!err.message.includes(dir), err.message);
        return true;
      });
    }
  });
});

import assert from "node:assert/strict";
import {
  type LabelInput,
  LabelStore,
  LabelStoreUnavailableError,
  REOPEN_AFTER_MS,
  storeState,
} from "./label_store.ts";

const FEATURES = ["voltage", "current", "frequency"];

function label(id: string, anomaly: boolean, predicted = true): LabelInput {
  return {
    predictionId: id,
    anomaly,
    served: { modelVersion: "sha256:aaaaaaaaaaaa", predicted },
    servedAt: 1_000,
    features: FEATURES,
    values: [231.5, 10, 50.01],
  };
}

async function tempDb(): Promise<string> {
  return `${await Deno.makeTempDir({ prefix: "labels-" })}/labels.db`;
}

Deno.test("LabelStore.put() counts the same label posted 5 times once", async () => {
  const store = new LabelStore(await tempDb());
  try {
    const first = store.put([label("a", false)], "c1");
    assert.equal(first.stored, 1);
    for (let i = 0; i < 4; i++) {
      const again = store.put([label("a", false)], "c1");
      assert.deepEqual([again.stored, again.changed, again.unchanged], [0, 0, 1]);
    }
    assert.deepEqual(store.tallies(), { "sha256:aaaaaaaaaaaa": { tp: 0, fp: 1, fn: 0, tn: 0 } });
    // A different label for the same id replaces it: still one label.
    assert.equal(store.put([label("a", true)], "c2").changed, 1);
    assert.deepEqual(store.tallies(), { "sha256:aaaaaaaaaaaa": { tp: 1, fp: 0, fn: 0, tn: 0 } });
  } finally {
    store.close();
  }
});

Deno.test("LabelStore keeps labels and readings across a reopen (a restart)", async () => {
  const path = await tempDb();
  const first = new LabelStore(path);
  first.put([label("a", true), {
    ...label("b", false, false),
    others: [{ modelVersion: "sha256:bbbbbbbbbbbb", predicted: true }],
  }], "c1");
  first.close();
  const reader = new LabelStore(path, { readOnly: true });
  try {
    const all = reader.all();
    assert.deepEqual(all.map((l) => [l.predictionId, l.anomaly, l.values]), [
      ["a", true, [231.5, 10, 50.01]],
      ["b", false, [231.5, 10, 50.01]],
    ]);
    assert.deepEqual(reader.tallies(), {
      "sha256:aaaaaaaaaaaa": { tp: 1, fp: 0, fn: 0, tn: 1 },
      "sha256:bbbbbbbbbbbb": { tp: 0, fp: 1, fn: 0, tn: 0 },
    });
  } finally {
    reader.close();
  }
});

Deno.test("LabelStore.put() on a full store refuses the whole batch and keeps what it had", async () => {
  const path = await tempDb();
  const store = new LabelStore(path, { maxPages: 8 });
  store.put([label("kept", true)], "c1");
  const big = Array.from({ length: 2_000 }, (_, i) => label(`id-${i}`, i % 2 === 0));
  assert.throws(() => store.put(big, "c1"), (err: Error) => {
    assert.ok(err instanceof LabelStoreUnavailableError);
    assert.equal(err.state, "full");
    assert.match(err.message, /The label store is full: .*full/);
    assert.ok(err.retryAfterS >= 1);
    return true;
  });
  store.close();
  const reader = new LabelStore(path, { readOnly: true });
  assert.deepEqual(reader.all().map((l) => l.predictionId), ["kept"]);
  reader.close();
});

Deno.test("LabelStore on a damaged file refuses without touching it and recovers once it is replaced", async () => {
  const path = await tempDb();
  const garbage = "this is not a database ".repeat(200);
  await Deno.writeTextFile(path, garbage);
  let now = 0;
  const store = new LabelStore(path, { now: () => now });
  try {
    assert.throws(() => store.put([label("a", true)], "c1"), (err: Error) => {
      assert.ok(err instanceof LabelStoreUnavailableError);
      assert.equal(err.state, "damaged");
      // Named by its setting, never by the server's path.
      assert.match(err.message, /LABELS_DB/);
      assert.doesNotMatch(err.message, new RegExp(path.replaceAll(".", "\\.")));
      return true;
    });
    assert.equal(await Deno.readTextFile(path), garbage);
    // The operator moves the damaged file away; the store reopens after the retry interval.
    await Deno.rename(path, `${path}.damaged`);
    assert.throws(() => store.put([label("a", true)], "c1"), LabelStoreUnavailableError);
    now += REOPEN_AFTER_MS;
    assert.equal(store.put([label("a", true)], "c1").stored, 1);
    assert.equal(store.failure, null);
  } finally {
    store.close();
  }
});

Deno.test("LabelStore on a read-only file answers with the read-only state", async () => {
  const path = await tempDb();
  new LabelStore(path).close();
  const first = new LabelStore(path);
  first.put([label("a", true)], "c1");
  first.close();
  const store = new LabelStore(path, { readOnly: true });
  try {
    assert.throws(() => store.put([label("b", true)], "c1"), (err: Error) => {
      assert.ok(err instanceof LabelStoreUnavailableError);
      assert.equal(err.state, "read-only");
      return true;
    });
  } finally {
    store.close();
  }
});

Deno.test("storeState() names full, read-only, damaged and busy from SQLite codes and messages", () => {
  assert.equal(storeState({ errcode: 13 }), "full");
  assert.equal(storeState(new Error("attempt to write a readonly database")), "read-only");
  assert.equal(storeState(new Error("file is not a database")), "damaged");
  assert.equal(storeState({ errcode: 5 }), "busy");
  assert.equal(storeState(new Error("unable to open database file")), "unavailable");
});

import assert from "node:assert/strict";
import { createFileOnce, readTextOrNull, replaceFile } from "./atomic_file.ts";

Deno.test("replaceFile() replaces the content and leaves no temp file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await replaceFile(`${dir}/a.json`, "one");
    await replaceFile(`${dir}/a.json`, "two");
    assert.equal(await Deno.readTextFile(`${dir}/a.json`), "two");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replaceFile() under concurrent writers always leaves one complete version", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const texts = Array.from({ length: 20 }, (_, i) => `${i}`.repeat(50_000));
    const reads: (string | null)[] = [];
    await Promise.all([
      ...texts.map((t) => replaceFile(`${dir}/alias.json`, t)),
      ...texts.map(async () => reads.push(await readTextOrNull(`${dir}/alias.json`))),
    ]);
    for (const r of [...reads, await Deno.readTextFile(`${dir}/alias.json`)]) {
      if (r !== null) assert.ok(texts.includes(r), "a reader saw a partial file");
    }
    assert.equal([...Deno.readDirSync(dir)].length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createFileOnce() creates once and never overwrites", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const results = await Promise.all(
      ["a", "b", "c", "d"].map((t) => createFileOnce(`${dir}/v.json`, t)),
    );
    assert.equal(results.filter(Boolean).length, 1);
    const kept = await Deno.readTextFile(`${dir}/v.json`);
    assert.equal(await createFileOnce(`${dir}/v.json`, "other"), false);
    assert.equal(await Deno.readTextFile(`${dir}/v.json`), kept);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["v.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTextOrNull() returns null for a missing file", async () => {
  assert.equal(await readTextOrNull("/nonexistent-dir-for-test/x.json"), null);
});

Deno.test("replaceFile() names the path when the directory is missing", async () => {
  await assert.rejects(() => replaceFile("/nonexistent-dir-for-test/x.json", "x"), /nonexistent/);
});

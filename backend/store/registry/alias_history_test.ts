import assert from "node:assert/strict";
import { appendHistory, type HistoryEntry, readHistory } from "./alias_history.ts";

const V1 = `sha256:${"1".repeat(64)}`;
const V2 = `sha256:${"2".repeat(64)}`;

function entry(seq: number, version: string | null, previous: string | null): HistoryEntry {
  return { seq, version, previous, at: "2026-01-01T00:00:00.000Z", actor: "alice", reason: null };
}

Deno.test("appendHistory() then readHistory() returns the entries oldest first", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/champion.history.jsonl`;
    assert.deepEqual(await readHistory(path), []);
    await appendHistory(path, entry(1, V1, null));
    await appendHistory(path, { ...entry(2, V2, V1), reason: "why" });
    const read = await readHistory(path);
    assert.deepEqual(read.map((e) => [e.seq, e.version, e.previous, e.reason]), [
      [1, V1, null, null],
      [2, V2, V1, "why"],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readHistory() skips a torn last line and appendHistory() starts a new line after it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/champion.history.jsonl`;
    await appendHistory(path, entry(1, V1, null));
    await Deno.writeTextFile(path, '{"seq":2,"vers', { append: true }); // killed mid-append
    assert.deepEqual((await readHistory(path)).map((e) => e.seq), [1]);
    await appendHistory(path, entry(2, V2, V1));
    assert.deepEqual((await readHistory(path)).map((e) => e.seq), [1, 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

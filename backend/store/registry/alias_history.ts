/**
 * An alias's history: `aliases/<alias>.history.jsonl`, one JSON line per
 * accepted change, appended under the registry lock. It is the audit trail
 * (who moved the alias, when, why) and the list a rollback picks from.
 *
 * The alias file is the commit point and carries its own change (`seq`,
 * actor, reason); the history line is appended right after. A writer that
 * died between the two leaves the history one entry short: readers add the
 * alias file's change when its `seq` is missing, and the next writer appends
 * it. A torn last line (killed mid-append) is skipped.
 */
import { isFullVersion } from "./version_id.ts";
import { guardStore, storeError } from "./store_error.ts";
import { storeName } from "./atomic_file.ts";

/** One accepted alias change. */
export interface HistoryEntry {
  /** Position in this alias's history, from 1. */
  seq: number;
  /** Full version the alias pointed at after the change, or null when it was removed. */
  version: string | null;
  /** Full version it pointed at before, or null. */
  previous: string | null;
  /** When (ISO-8601). */
  at: string;
  /** Who: the admin token's name, "deno task train", "startup (<pod>)". */
  actor: string;
  /** Why, as the caller gave it, or null. */
  reason: string | null;
}

function versionOrNull(value: unknown): string | null {
  return typeof value === "string" && isFullVersion(value) ? value : null;
}

/** Parse one history line, or null when it is torn or damaged. */
export function parseEntry(line: string): HistoryEntry | null {
  try {
    const raw = JSON.parse(line);
    if (!Number.isInteger(raw?.seq) || raw.seq < 1 || typeof raw.at !== "string") return null;
    return {
      seq: raw.seq,
      version: versionOrNull(raw.version),
      previous: versionOrNull(raw.previous),
      at: raw.at,
      actor: typeof raw.actor === "string" ? raw.actor : "",
      reason: typeof raw.reason === "string" ? raw.reason : null,
    };
  } catch {
    return null;
  }
}

/** The entries of the history file at `path`, oldest first ([] when it does not exist). */
export async function readHistory(path: string): Promise<HistoryEntry[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw storeError(err, `read ${storeName(path)}`);
  }
  const entries: HistoryEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const entry = parseEntry(line);
    if (entry && (entries.length === 0 || entry.seq > entries[entries.length - 1].seq)) {
      entries.push(entry);
    }
  }
  return entries;
}

/** Append `entry` as one line (starting a new line when the last one was torn). */
export async function appendHistory(path: string, entry: HistoryEntry): Promise<void> {
  await guardStore("append to the alias history", async () => {
    const file = await Deno.open(path, { append: true, create: true, read: true, mode: 0o644 });
    try {
      const size = (await file.stat()).size;
      let prefix = "";
      if (size > 0) {
        const last = new Uint8Array(1);
        await file.seek(size - 1, Deno.SeekMode.Start);
        await file.read(last);
        if (last[0] !== 0x0a) prefix = "\n";
      }
      const bytes = new TextEncoder().encode(`${prefix}${JSON.stringify(entry)}\n`);
      for (let written = 0; written < bytes.length;) {
        written += await file.write(bytes.subarray(written));
      }
      await file.sync();
    } finally {
      file.close();
    }
  });
}

/**
 * The registry's writer lock: a file `aliases/.lock` created exclusively, so
 * replicas and training Jobs sharing `MODEL_DIR` exclude each other. It holds
 * `{"pid","host","at"}` of its holder. Holders keep it for milliseconds.
 *
 * Takeover rule (docs/MLOPS.md, "Registry lock"): a waiting writer removes
 * the lock and takes it when
 * - its holder is a process on this host (same host name) that no longer
 *   exists (a crash mid-promotion), or
 * - its modification time is more than {@link STALE_LOCK_MS} away from now,
 *   in the past (a holder that died on another host) or in the future (a
 *   clock ahead by more than that on a shared volume: without this rule the
 *   lock would look fresh until that future time).
 * Before removing it, the writer checks the file is still the one it judged
 * (same inode and mtime). A lock it cannot remove (say, a directory someone
 * made) is waited on like a held one. Every wait ends at its deadline with a
 * {@link StoreUnavailableError} of state "locked": never a hang.
 */
import { storeError, StoreUnavailableError } from "./store_error.ts";

/** A lock further than this from now (either way) is taken over. */
export const STALE_LOCK_MS = 5_000;

/** Options for {@link withLock}. */
export interface LockOptions {
  /** How long to wait for the lock before giving up. */
  waitMs: number;
  /** This host's name (dead-holder check); defaults to `Deno.hostname()`. */
  host?: string;
}

interface Holder {
  pid: number;
  host: string;
}

function thisHost(): string {
  try {
    return Deno.hostname();
  } catch {
    return "";
  }
}

async function readHolder(path: string): Promise<Holder | null> {
  try {
    const raw = JSON.parse(await Deno.readTextFile(path));
    if (Number.isInteger(raw?.pid) && typeof raw?.host === "string") {
      return { pid: raw.pid, host: raw.host };
    }
  } catch {
    // Empty (a writer died between creating and writing it), a directory, or damaged.
  }
  return null;
}

/** True when no process `pid` runs on this host (Linux: no `/proc/<pid>`). */
async function processGone(pid: number): Promise<boolean> {
  if (pid === Deno.pid) return false;
  try {
    await Deno.stat("/proc/self");
  } catch {
    return false; // No procfs: cannot tell, so never assume death.
  }
  try {
    await Deno.stat(`/proc/${pid}`);
    return false;
  } catch {
    return true;
  }
}

/** Why the lock at `path` may be taken over, or null when it must be waited for. */
async function staleReason(
  path: string,
  info: Deno.FileInfo,
  host: string,
): Promise<string | null> {
  const mtime = info.mtime?.getTime();
  if (mtime !== undefined) {
    const age = Date.now() - mtime;
    if (age > STALE_LOCK_MS) return `older than ${STALE_LOCK_MS} ms`;
    if (-age > STALE_LOCK_MS) return `modified ${Math.round(-age / 1000)} s in the future`;
  }
  if (info.isFile) {
    const holder = await readHolder(path);
    if (holder && holder.host === host && await processGone(holder.pid)) {
      return `its holder (pid ${holder.pid} on this host) is gone`;
    }
  }
  return null;
}

/** Create the lock file exclusively with our holder record; false when it exists. */
async function tryCreate(path: string, host: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { createNew: true, write: true, mode: 0o644 });
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return false;
    throw storeError(err, "take the registry lock");
  }
  try {
    const record = JSON.stringify({ pid: Deno.pid, host, at: new Date().toISOString() });
    await file.write(new TextEncoder().encode(record));
  } catch (err) {
    file.close();
    await Deno.remove(path).catch(() => {});
    throw storeError(err, "take the registry lock");
  }
  file.close();
  return true;
}

/**
 * Run `fn` holding the lock file at `path` (its directory must exist).
 * Throws {@link StoreUnavailableError} ("locked") when the lock is not
 * obtained within `waitMs`.
 */
export async function withLock<T>(
  path: string,
  options: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const host = options.host ?? thisHost();
  const deadline = Date.now() + options.waitMs;
  let blocker = "held by another writer";
  for (let delay = 1;; delay = Math.min(delay * 2, 50)) {
    if (await tryCreate(path, host)) break;
    let removed = false;
    const info = await Deno.lstat(path).catch(() => null);
    if (info !== null) {
      const reason = await staleReason(path, info, host);
      if (reason !== null) {
        const now = await Deno.lstat(path).catch(() => null);
        // Remove only the file judged stale, not a fresh lock another writer just made.
        if (now && now.ino === info.ino && now.mtime?.getTime() === info.mtime?.getTime()) {
          try {
            await Deno.remove(path);
            removed = true;
          } catch {
            blocker = `${reason} but cannot be removed (it is ${
              info.isFile ? "a file" : "not a file"
            })`;
          }
        }
      }
    }
    // Checked on every path through the loop: a lock that cannot be removed must not spin.
    if (Date.now() >= deadline) {
      throw new StoreUnavailableError(
        "locked",
        `The model registry is locked: MODEL_DIR/aliases/.lock is ${blocker}; ` +
          `gave up after ${options.waitMs} ms, retry later`,
      );
    }
    if (!removed) await new Promise((r) => setTimeout(r, delay));
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}

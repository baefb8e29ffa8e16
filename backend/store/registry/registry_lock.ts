/**
 * The registry's writer lock: a file `aliases/.lock` created exclusively, so
 * replicas and training Jobs sharing `MODEL_DIR` exclude each other. It holds
 * `{"pid","host","at"}` of its holder. Holders keep it for milliseconds.
 *
 * Takeover rule (docs/MLOPS.md, "Registry lock"): a waiting writer removes
 * the lock and takes it when
 * - its holder is a process on this host (same host name) that no longer
 *   holds it (a crash mid-promotion): a holder keeps an exclusive advisory
 *   lock (flock) on the file while it holds it, which the kernel drops when
 *   the process dies, however it dies. Only for holders on this host, where
 *   advisory locks are reliable; on another host the mtime rule applies. Or
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

/** True when nobody holds the advisory lock of the file at `path` (its holder is gone). */
async function holderGone(path: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return false;
  }
  try {
    const free = await file.tryLock(true);
    if (free) await file.unlock();
    return free;
  } catch {
    return false; // No advisory locks here: cannot tell, so never assume death.
  } finally {
    file.close();
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
    // A writer that could not read its host name records "": never judge such a lock by host.
    if (holder && holder.host !== "" && holder.host === host && await holderGone(path)) {
      return `its holder (pid ${holder.pid} on this host) is gone`;
    }
  }
  return null;
}

/**
 * Create the lock file exclusively, take its advisory lock, then write our
 * holder record (so a record always means the advisory lock was taken).
 * Returns the open file (closing it releases the advisory lock), or null
 * when the lock file exists.
 */
async function tryCreate(path: string, host: string): Promise<Deno.FsFile | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { createNew: true, read: true, write: true, mode: 0o644 });
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return null;
    throw storeError(err, "take the registry lock");
  }
  try {
    await file.tryLock(true).catch(() => false);
    const record = JSON.stringify({ pid: Deno.pid, host, at: new Date().toISOString() });
    await file.write(new TextEncoder().encode(record));
  } catch (err) {
    file.close();
    await Deno.remove(path).catch(() => {});
    throw storeError(err, "take the registry lock");
  }
  return file;
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
  let held: Deno.FsFile | null;
  for (let delay = 1;; delay = Math.min(delay * 2, 50)) {
    held = await tryCreate(path, host);
    if (held) break;
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
    // Remove, then release: a waiter never finds our file without its advisory lock.
    await Deno.remove(path).catch(() => {});
    held.close();
  }
}

/**
 * Atomic file writes for a store shared by several processes (replicas, a
 * training Job): a reader sees either the old file or the complete new one,
 * never a half-written file. Each write goes to a uniquely named temp file in
 * the same directory, is flushed, then renamed (replace) or hard-linked
 * (create once) into place.
 */
import { storeError } from "./store_error.ts";

function tempPath(path: string): string {
  const slash = path.lastIndexOf("/");
  const dir = slash === -1 ? "." : path.slice(0, slash);
  const name = path.slice(slash + 1);
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${dir}/.${name}.tmp-${Deno.pid}-${random[0].toString(16)}${random[1].toString(16)}`;
}

async function writeTemp(path: string, text: string): Promise<string> {
  const temp = tempPath(path);
  const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o644 });
  try {
    const bytes = new TextEncoder().encode(text);
    for (let written = 0; written < bytes.length;) {
      written += await file.write(bytes.subarray(written));
    }
    await file.sync();
  } catch (err) {
    file.close();
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
  file.close();
  return temp;
}

/** Replace `path` with `text` atomically (temp file + rename); the last writer wins. */
export async function replaceFile(path: string, text: string): Promise<void> {
  const temp = await writeTemp(path, text);
  try {
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw storeError(err, `write ${storeName(path)}`);
  }
}

/**
 * Create `path` with `text` only if it does not exist yet (temp file + hard
 * link, which fails when the target exists). Returns true when this call
 * created it, false when it was already there (left untouched).
 */
export async function createFileOnce(path: string, text: string): Promise<boolean> {
  const temp = await writeTemp(path, text);
  try {
    await Deno.link(temp, path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return false;
    throw storeError(err, `write ${storeName(path)}`);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/** The text of `path`, or null when it does not exist. */
export async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw storeError(err, `read ${storeName(path)}`);
  }
}

/** A store file as messages name it: its folder and name inside MODEL_DIR, never the full path. */
export function storeName(path: string): string {
  return path.split("/").slice(-2).join("/");
}

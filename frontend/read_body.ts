/**
 * Reads a request body into one buffer bounded by bytes, not by chunks. The
 * default reader hands out each chunk as a view over its own 64 KiB buffer,
 * and the garbage of a body of 10,000 one-byte chunks held about 500 MB
 * before V8 collected it. A BYOB reader reads straight into one buffer that
 * grows to at most `maxBytes + 1`. The whole body must arrive in `timeoutMs`.
 */
import { UiError } from "./problem.ts";

/** Limits for {@link readBody}. */
export interface ReadBodyOptions {
  /** Largest body accepted; larger gets 413 (declared or counted while streaming). */
  maxBytes: number;
  /** The whole body must arrive within this long; after it 408. */
  timeoutMs: number;
  /** Names the limit in the 413 message, e.g. "PROXY_MAX_BODY_BYTES". */
  limitName: string;
}

/** First buffer size when the length is not declared; doubled as needed up to the limit. */
const INITIAL_BYTES = 16_384;

/**
 * Room every read is given. Deno 2.9's request body stream never answers a
 * BYOB read into a view of a few bytes (measured: a 4-byte view waits
 * forever), so the buffer grows before its free space gets that small.
 */
const MIN_READ_BYTES = 1_024;

/** Read all of `req`'s body within the limits; throws a {@link UiError} (400, 408 or 413). */
export async function readBody(
  req: Request,
  options: ReadBodyOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const { maxBytes, timeoutMs, limitName } = options;
  const tooLarge = () =>
    new UiError(
      "payload-too-large",
      `Request body exceeds the limit of ${maxBytes} bytes (${limitName})`,
      { extra: { limit: maxBytes } },
    );
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isInteger(declared) && declared > maxBytes) {
    req.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (req.body === null) return new Uint8Array(0);
  const read = byteReader(req.body);
  // Room past the limit, so a body longer than the limit is seen as such.
  const capacity = maxBytes + MIN_READ_BYTES;
  let buffer = new Uint8Array(
    Number.isInteger(declared) && declared >= 0
      ? declared + MIN_READ_BYTES
      : Math.min(INITIAL_BYTES, capacity),
  );
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UiError("body-timeout", `Request body was not received within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  try {
    while (true) {
      if (buffer.byteLength - size < MIN_READ_BYTES) {
        const grown = new Uint8Array(Math.min(capacity, buffer.byteLength * 2));
        grown.set(buffer.subarray(0, size));
        buffer = grown;
      }
      const result = await Promise.race([read.into(buffer, size), timeout]);
      buffer = result.buffer;
      size += result.bytes;
      if (size > maxBytes) throw tooLarge();
      if (result.done) break;
    }
  } catch (err) {
    read.cancel();
    if (err instanceof UiError) throw err;
    // The client went away or sent a broken chunked encoding.
    throw new UiError("bad-request", "Request body could not be read", { cause: err });
  } finally {
    clearTimeout(timer);
  }
  return size === buffer.byteLength ? buffer : buffer.slice(0, size);
}

/** One read into `buffer` at `offset`: the buffer to keep using, bytes added, end of body. */
interface ReadResult {
  buffer: Uint8Array<ArrayBuffer>;
  bytes: number;
  done: boolean;
}

/**
 * Reads into a caller's buffer: BYOB for byte streams (request bodies from
 * `Deno.serve`), else the default reader with each chunk copied and dropped.
 */
function byteReader(body: ReadableStream<Uint8Array>) {
  let byob: ReadableStreamBYOBReader | null = null;
  let plain: ReadableStreamDefaultReader<Uint8Array> | null = null;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    plain = body.getReader();
  }
  // A default-reader chunk that did not fit the buffer yet.
  let pending: Uint8Array | null = null;
  return {
    async into(buffer: Uint8Array<ArrayBuffer>, offset: number): Promise<ReadResult> {
      if (byob) {
        const { done, value } = await byob.read(buffer.subarray(offset));
        // The read transfers the buffer: continue with the one it returns.
        if (!value) return { buffer, bytes: 0, done };
        return { buffer: new Uint8Array(value.buffer), bytes: value.byteLength, done };
      }
      let chunk = pending;
      pending = null;
      if (!chunk) {
        const { done, value } = await plain!.read();
        if (done) return { buffer, bytes: 0, done: true };
        chunk = value;
      }
      const room = buffer.byteLength - offset;
      if (chunk.byteLength > room) pending = chunk.subarray(room);
      buffer.set(chunk.subarray(0, room), offset);
      return { buffer, bytes: Math.min(room, chunk.byteLength), done: false };
    },
    cancel(): void {
      (byob ?? plain)!.cancel().catch(() => {});
    },
  };
}

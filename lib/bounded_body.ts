/**
 * Reads a request or response body into one buffer with a byte limit and a
 * wall-clock deadline, independent of any framework: the backend's JSON reader
 * and the UI server's proxy both use it (it imports only `deadlines.ts`,
 * which imports nothing).
 *
 * Three costs are bounded, whatever the client does:
 *
 * - **Memory by bytes, not by chunks.** Deno's request body is a byte stream;
 *   a BYOB reader reads straight into one buffer that doubles as needed up to
 *   the limit. The default reader would hand out every chunk as a view on its
 *   own fresh 64 KiB buffer: 10,000 one-byte chunks (60 KB on the wire) would
 *   allocate and zero 640 MB, and did grow the UI process by 172 MB. Streams
 *   that are not byte streams (tests, other callers) are read with the
 *   default reader, each chunk copied into the buffer and dropped.
 * - **Time by the clock, not by chunks.** `timeoutMs` bounds the whole body:
 *   a timer ends a read that waits, and every read also compares the
 *   clock with the deadline, because a client sending chunks faster than
 *   they are read never lets a timer run (1,000,000 one-byte chunks got a 200
 *   after 121.9 s under a 10 s limit).
 * - **The event loop, shared with every other request.** While data is
 *   buffered, each read resolves at once and the loop of reads never returns
 *   to the event loop: other connections, `/health` among them, and timers
 *   wait until the body ends. So after every {@link TURN_MS} of reading
 *   (looked at once {@link TURN_READS} reads have passed since the last
 *   turn, so a body of a few reads never pays for it) the reader gives the
 *   event loop a turn: one zero-delay timer per 5 ms at most. Measured on one-byte chunks: the
 *   event loop's longest stall fell from 866 ms to 38 ms per 100,000 chunks
 *   (docs/PERFORMANCE.md, "Probes under overload").
 *
 * A body given up on (too large, too slow, over budget) is let go, not
 * cancelled: cancelling a Deno request body whose client is still sending
 * blocked the whole event loop for about 4 s per connection (Deno 2.9,
 * measured with a plain `Deno.serve`), while a response that closes the
 * connection (`connection: close`, which every refusal of a body carries)
 * ends it at once.
 */
import { Deadlines } from "./deadlines.ts";

/** The deadlines of every body being read in this isolate: one timer for all of them. */
const deadlines = new Deadlines();

/** Why a body could not be read: over the limit, refused by `admit`, too slow, or broken (client gone, bad framing). */
export type BodyErrorKind = "too-large" | "over-budget" | "timeout" | "unreadable";

/** Raised by {@link readBoundedBody}; `kind` says which limit was hit. */
export class BodyReadError extends Error {
  /** Which limit was hit. */
  readonly kind: BodyErrorKind;
  /** Create an error of `kind`. */
  constructor(kind: BodyErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BodyReadError";
    this.kind = kind;
  }
}

/** Options for {@link readBoundedBody}. */
export interface BoundedBodyOptions {
  /** Most bytes accepted; more fails with kind "too-large" (at most one read's room is received past it). */
  maxBytes: number;
  /** Time allowed for the whole body, by the clock; fails with kind "timeout" after it. */
  timeoutMs: number;
  /** The declared length (`Content-Length`), if any: rejected at once when over the limit, and used to size the buffer. */
  declaredLength?: number | null;
  /** Asked before the buffer grows to hold `total` body bytes; false fails with kind "over-budget" (a shared memory budget). */
  admit?: (total: number) => boolean;
}

/** First buffer size for body bytes when the length is unknown; doubled as needed, never past `maxBytes`. */
const INITIAL_CAPACITY = 16 * 1024;

/**
 * Free room every read is given, past the body bytes the buffer is sized
 * for. Deno 2.9's request body stream never answers a BYOB read into a view
 * of a few bytes (measured: a 4-byte view waits forever), and the read that
 * reports the end needs room too.
 */
export const READ_ROOM = 1024;

/** Longest stretch of reading before the event loop gets a turn. */
export const TURN_MS = 5;

/** Reads between two looks at {@link TURN_MS}: fewer never starve the loop (each waited for data or is one of few). */
export const TURN_READS = 16;

/** Give the event loop a turn: I/O, other requests and timers run before this resolves. */
function turn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Read `body` completely within `options`; returns the bytes (a view on a
 * buffer at most twice their length plus {@link READ_ROOM}). On any failure
 * the stream is let go, not cancelled: the caller's response ends it.
 */
export async function readBoundedBody(
  body: ReadableStream<Uint8Array> | null,
  options: BoundedBodyOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const { maxBytes, timeoutMs } = options;
  const declared = options.declaredLength ?? null;
  const tooLarge = () =>
    new BodyReadError("too-large", `Body exceeds the limit of ${maxBytes} bytes`);
  if (declared !== null && Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (body === null) return new Uint8Array(0);

  // A declared length frames the body (no more can arrive), so it caps the buffer; it is not
  // allocated up front, or a client declaring 1 MiB and sending nothing would cost 1 MiB.
  const framed = declared !== null && Number.isFinite(declared) && declared >= 0;
  const cap = framed ? Math.min(declared, maxBytes) : maxBytes;
  const reader = new ByteReader(body);
  let buffer = new Uint8Array(Math.min(INITIAL_CAPACITY, cap) + READ_ROOM);
  let total = 0;
  const started = performance.now();
  const deadlineAt = started + timeoutMs;
  let turnAt = started + TURN_MS;
  let readsSinceTurn = 0;
  // The deadline ends a read that waits by letting the stream go (the read rejects) rather than
  // racing each read against one timeout promise: every Promise.race would leave a reaction on
  // that promise holding its chunk until the deadline, which is the whole body's buffers again.
  let timedOut = false;
  const timeout = () =>
    new BodyReadError("timeout", `Body was not received within ${timeoutMs} ms`);
  const deadline = deadlines.schedule(timeoutMs, () => {
    timedOut = true;
    reader.release();
  });
  try {
    // Read to the end even when the declared length is in: stopping there (saving one read)
    // made Deno's HTTP server spend about 60 µs more per 6 KB request to finish it.
    while (true) {
      if (buffer.length - total < READ_ROOM) {
        // Room for the next read. The budget covers the body bytes the buffer is sized for (the
        // read room past them is not counted): twice as many if they fit, else one read more.
        const least = Math.max(total, Math.min(cap, total + READ_ROOM));
        let size = Math.max(least, Math.min(cap, (buffer.length - READ_ROOM) * 2));
        if (options.admit && !options.admit(size)) {
          if (size === least || !options.admit(least)) {
            throw new BodyReadError(
              "over-budget",
              `Body of ${total} bytes and more does not fit the budget`,
            );
          }
          size = least;
        }
        const grown = new Uint8Array(size + READ_ROOM);
        grown.set(buffer.subarray(0, total));
        buffer = grown;
      }
      const read = await reader.into(buffer, total);
      if (timedOut) throw timeout();
      buffer = read.buffer;
      total += read.bytes;
      if (total > maxBytes) throw tooLarge();
      if (read.done) break;
      const now = performance.now();
      if (now >= deadlineAt) throw timeout();
      if (++readsSinceTurn >= TURN_READS && now >= turnAt) {
        await turn();
        readsSinceTurn = 0;
        turnAt = performance.now() + TURN_MS;
      }
    }
  } catch (err) {
    reader.release();
    if (timedOut) throw timeout();
    if (err instanceof BodyReadError) throw err;
    throw new BodyReadError("unreadable", "Body could not be read", { cause: err });
  } finally {
    deadlines.cancel(deadline);
  }
  return buffer.subarray(0, total);
}

/** One read into a buffer at an offset: the buffer to keep using, bytes added, end of body. */
interface ReadResult {
  buffer: Uint8Array<ArrayBuffer>;
  bytes: number;
  done: boolean;
}

/**
 * Reads into the caller's buffer: BYOB for byte streams (request bodies
 * from `Deno.serve`), else the default reader with each chunk copied and
 * dropped (a chunk longer than the free room is kept for the next reads).
 */
class ByteReader {
  readonly #byob: ReadableStreamBYOBReader | null = null;
  readonly #plain: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #pending: Uint8Array | null = null;

  constructor(body: ReadableStream<Uint8Array>) {
    try {
      this.#byob = body.getReader({ mode: "byob" });
    } catch {
      this.#plain = body.getReader();
    }
  }

  /** Read once into `buffer` from `offset` (which leaves room). */
  async into(buffer: Uint8Array<ArrayBuffer>, offset: number): Promise<ReadResult> {
    if (this.#byob) {
      const { done, value } = await this.#byob.read(buffer.subarray(offset));
      // A read transfers the buffer: continue with the one it hands back.
      if (!value) return { buffer, bytes: 0, done };
      return { buffer: new Uint8Array(value.buffer), bytes: value.byteLength, done };
    }
    let chunk = this.#pending;
    this.#pending = null;
    if (!chunk) {
      const { done, value } = await this.#plain!.read();
      if (done) return { buffer, bytes: 0, done: true };
      chunk = value;
    }
    const room = buffer.length - offset;
    if (chunk.byteLength > room) this.#pending = chunk.subarray(room);
    const bytes = Math.min(room, chunk.byteLength);
    buffer.set(chunk.subarray(0, bytes), offset);
    return { buffer, bytes, done: false };
  }

  /** Stop reading without cancelling the stream (see the module comment); a waiting read rejects. */
  release(): void {
    try {
      (this.#byob ?? this.#plain)!.releaseLock();
    } catch {
      // released already
    }
  }
}

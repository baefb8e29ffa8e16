/**
 * Reads a request or response body into one buffer with a byte limit and a
 * deadline, independent of any framework (the backend uses it; it imports
 * only `deadlines.ts`, which imports nothing). The UI server reads with its
 * own BYOB reader (`frontend/read_body.ts`): with this one in its place, a
 * body of 20,000 one-byte chunks grew the UI process by 172 MB, over the 64 MB
 * its test allows.
 *
 * Memory is bounded by the bytes received, not by the number of chunks: each
 * chunk is copied into one growing buffer at once and then dropped. Keeping
 * the chunks themselves is not safe, because Deno hands every chunk of a
 * chunked body over as a view on its own 64 KiB buffer, so 10,000 one-byte
 * chunks (60 KB on the wire) would pin 640 MB.
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
  /** Most bytes accepted; one more fails with kind "too-large" before it is stored. */
  maxBytes: number;
  /** Time allowed for the whole body; fails with kind "timeout" after it. */
  timeoutMs: number;
  /** The declared length (`Content-Length`), if any: rejected at once when over the limit, and used to size the buffer. */
  declaredLength?: number | null;
  /** Asked before the buffer grows to `total` bytes; false fails with kind "over-budget" (a shared memory budget). */
  admit?: (total: number) => boolean;
}

/** First buffer size when the length is unknown; doubled as needed, never past `maxBytes`. */
const INITIAL_CAPACITY = 16 * 1024;

/**
 * Read `body` completely within `options`; returns the bytes (a view on a
 * buffer at most twice their length). Cancels the stream on any failure.
 */
export async function readBoundedBody(
  body: ReadableStream<Uint8Array> | null,
  options: BoundedBodyOptions,
): Promise<Uint8Array> {
  const { maxBytes, timeoutMs } = options;
  const declared = options.declaredLength ?? null;
  const tooLarge = () =>
    new BodyReadError("too-large", `Body exceeds the limit of ${maxBytes} bytes`);
  if (declared !== null && Number.isFinite(declared) && declared > maxBytes) {
    await body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (body === null) return new Uint8Array(0);

  // A declared length frames the body (no more can arrive), so it caps the buffer; it is not
  // allocated up front, or a client declaring 1 MiB and sending nothing would cost 1 MiB.
  const framed = declared !== null && Number.isFinite(declared) && declared >= 0;
  const cap = framed ? Math.min(declared, maxBytes) : maxBytes;
  let buffer = new Uint8Array(Math.min(INITIAL_CAPACITY, cap));
  let total = 0;
  const reader = body.getReader();
  // The deadline cancels the reader rather than racing each read against one timeout promise:
  // every Promise.race would leave a reaction on that promise holding its chunk until the
  // deadline, which is the whole body's buffers again.
  let timedOut = false;
  const deadline = deadlines.schedule(timeoutMs, () => {
    timedOut = true;
    reader.cancel().catch(() => {});
  });
  try {
    // Read to the end even when the declared length is in: stopping there (saving one read)
    // made Deno's HTTP server spend about 60 µs more per 6 KB request to finish it.
    while (true) {
      const { done, value } = await reader.read();
      if (timedOut) {
        throw new BodyReadError("timeout", `Body was not received within ${timeoutMs} ms`);
      }
      if (done) break;
      const end = total + value.byteLength;
      if (end > maxBytes) throw tooLarge();
      if (end > buffer.length) {
        // The budget covers what is allocated: the doubled buffer if it fits, else just enough.
        let size = Math.max(end, Math.min(cap, buffer.length * 2));
        if (options.admit && !options.admit(size)) {
          if (size === end || !options.admit(end)) {
            throw new BodyReadError(
              "over-budget",
              `Body of ${end} bytes and more does not fit the budget`,
            );
          }
          size = end;
        }
        const grown = new Uint8Array(size);
        grown.set(buffer.subarray(0, total));
        buffer = grown;
      }
      buffer.set(value, total);
      total = end;
    }
  } catch (err) {
    reader.cancel().catch(() => {});
    if (timedOut) {
      throw new BodyReadError("timeout", `Body was not received within ${timeoutMs} ms`);
    }
    if (err instanceof BodyReadError) throw err;
    throw new BodyReadError("unreadable", "Body could not be read", { cause: err });
  } finally {
    deadlines.cancel(deadline);
  }
  return buffer.subarray(0, total);
}

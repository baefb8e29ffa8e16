/**
 * Reads a JSON request body safely, independent of any HTTP framework: 415
 * unless the Content-Type is JSON, 413 past the byte limit however the body
 * is framed (Content-Length or chunked; bytes are counted as they stream and
 * copied into one buffer, never buffered past the limit; see
 * `lib/bounded_body.ts`), 408 when the whole body has not arrived within the
 * deadline however it is chunked, 415 for a compressed body (Content-Encoding), 400 for bytes
 * that are not UTF-8 JSON (a leading byte order mark is dropped). Failures are {@link HttpError}s.
 *
 * A body that has already arrived in full when the handler runs (almost every
 * `/predict` body: it comes in the packets of its headers) is taken in one
 * piece, without a stream: see {@link arrivedBody}.
 */
import { BodyReadError, readBoundedBody } from "../../lib/bounded_body.ts";
import { HttpError } from "../../lib/problem.ts";

/** Options for {@link readJson}. */
export interface ReadJsonOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Asked before the body holds more than it was admitted with; false answers 503 (see `bodyBudget`). */
  admit?: (total: number) => boolean;
  /** The per-worker budget, named in the 503. */
  budgetBytes?: number;
  /** What the 413 calls the limit (default "MAX_BODY_BYTES"). */
  limitName?: string;
}

/** The 503 for a body that does not fit the budget of bodies in progress (MAX_BODY_BYTES_IN_FLIGHT). */
export function overBudget(budgetBytes?: number): HttpError {
  return new HttpError(
    "overloaded",
    `Request bodies in progress on this worker would exceed ${
      budgetBytes === undefined ? "their budget" : `${budgetBytes} bytes`
    } (MAX_BODY_BYTES_IN_FLIGHT); retry shortly`,
    // Close: the rest of the body is not read, and draining it would spend the CPU shedding is
    // meant to save (1,000 shed 1 MiB uploads took twice as long to answer when drained).
    { headers: { "retry-after": "1", connection: "close" } },
  );
}

// One decoder for every body: a whole-buffer decode keeps no state between calls. A leading
// byte order mark (some Windows clients write one) is dropped, as RFC 8259 (8.1) allows.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** Parse the body of `req` as JSON within the limits; `admit` overrides `options.admit`. */
export async function readJson(
  req: Request,
  options: ReadJsonOptions,
  admit: ReadJsonOptions["admit"] = options.admit,
): Promise<unknown> {
  return parseJson(await readJsonBytes(req, options, admit));
}

/** The bytes of `req`'s JSON body within the limits (415, 413, 408, 503), not yet parsed. */
export async function readJsonBytes(
  req: Request,
  options: ReadJsonOptions,
  admit: ReadJsonOptions["admit"] = options.admit,
): Promise<Uint8Array> {
  const type = req.headers.get("content-type");
  if (!type || !JSON_TYPE.test(type)) {
    throw new HttpError(
      "unsupported-media-type",
      `Content-Type must be application/json, got ${
        type ? JSON.stringify(type.slice(0, 80)) : "none"
      }`,
      { headers: { accept: "application/json" } },
    );
  }
  const coding = req.headers.get("content-encoding");
  if (coding !== null && coding.trim().toLowerCase() !== "identity") {
    // Decoding would take a second byte limit (a small gzip body can inflate a thousandfold);
    // RFC 9110 (15.5.16) answers an unsupported content coding with 415 and Accept-Encoding.
    throw new HttpError(
      "unsupported-media-type",
      `Content-Encoding ${JSON.stringify(coding.slice(0, 40))} is not supported: send the body ` +
        "uncompressed",
      { headers: { "accept-encoding": "identity" } },
    );
  }
  return await readLimited(req, options, admit);
}

/** Decode and parse a JSON body read by {@link readJsonBytes}; 400 for bad UTF-8 or JSON. */
export function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new HttpError("malformed-json", "Request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // SyntaxError messages name the position only, never our code or paths.
    const why = err instanceof SyntaxError ? `: ${err.message}` : "";
    throw new HttpError("malformed-json", `Request body is not valid JSON${why}`);
  }
}

/** The key of a `Request`'s internal request, found on the first call (null: not this runtime's). */
let innerKey: symbol | null | undefined;

/**
 * The bytes of `req`'s body if they have all arrived already, else null.
 *
 * Deno's server takes a request body out of the connection in one piece
 * when it is complete by the time the handler asks for it, and then hands
 * it over as a stream over that one buffer. Creating and reading that stream
 * cost about 3 µs and 5 KiB of garbage per request, a tenth of a one-reading
 * `/predict`. Here the request's internal body is looked at (read only) and,
 * when it holds the complete bytes, they are taken with `req.bytes()`, which
 * then cannot wait for anything. A body still in transit is left to the
 * stream reader and its deadline: `req.bytes()` on it could not be cancelled,
 * so a stalled body would keep its bytes in the body budget past
 * BODY_TIMEOUT_MS (docs/PERFORMANCE.md). If Deno's internals change shape,
 * this answers null and every body takes the stream (`read_json_test.ts`
 * checks that a complete body on a real server does not).
 */
export async function arrivedBody(req: Request): Promise<Uint8Array | null> {
  if (innerKey === undefined) {
    innerKey = Object.getOwnPropertySymbols(req).find((s) => s.description === "request") ?? null;
  }
  if (innerKey === null) return null;
  let held: unknown;
  try {
    const inner = (req as unknown as Record<symbol, { body?: { streamOrStatic?: unknown } }>)[
      innerKey
    ];
    // The server's `body` getter is where Deno takes a complete body out of the connection.
    held = inner?.body?.streamOrStatic;
  } catch {
    return null;
  }
  if (
    typeof held !== "object" || held === null || held instanceof ReadableStream ||
    !((held as { body?: unknown }).body instanceof Uint8Array) ||
    (held as { consumed?: unknown }).consumed !== false
  ) {
    return null;
  }
  return await req.bytes();
}

/** Read the whole body, failing with 413 as soon as it passes `maxBytes` and 408 after `timeoutMs`. */
async function readLimited(
  req: Request,
  options: ReadJsonOptions,
  admit: ReadJsonOptions["admit"],
): Promise<Uint8Array> {
  const { maxBytes, timeoutMs } = options;
  const length = req.headers.get("content-length");
  try {
    const declared = length === null ? NaN : Number(length);
    let arrived: Uint8Array | null = null;
    try {
      if (!(declared > maxBytes)) arrived = await arrivedBody(req);
    } catch (err) {
      throw new BodyReadError("unreadable", "Body could not be read", { cause: err });
    }
    if (arrived !== null) {
      // The checks the stream reader makes, for bytes that are all here.
      if (arrived.byteLength > maxBytes) throw new BodyReadError("too-large", "Body too large");
      if (admit && !admit(arrived.byteLength)) {
        throw new BodyReadError("over-budget", "Body does not fit the budget");
      }
      return arrived;
    }
    return await readBoundedBody(req.body, {
      maxBytes,
      timeoutMs,
      declaredLength: length === null ? null : declared,
      ...(admit ? { admit } : {}),
    });
  } catch (err) {
    if (!(err instanceof BodyReadError)) throw err;
    if (err.kind === "too-large") {
      throw new HttpError(
        "payload-too-large",
        `Request body exceeds the limit of ${maxBytes} bytes (${
          options.limitName ?? "MAX_BODY_BYTES"
        })`,
        // Close: the rest of the body is not read (see lib/bounded_body.ts).
        { extra: { limit: maxBytes }, headers: { connection: "close" } },
      );
    }
    if (err.kind === "over-budget") throw overBudget(options.budgetBytes);
    if (err.kind === "timeout") {
      // Close: the rest of the body is not read (see lib/bounded_body.ts).
      throw new HttpError(
        "body-timeout",
        `Request body was not received within ${timeoutMs} ms (BODY_TIMEOUT_MS)`,
        { headers: { connection: "close" } },
      );
    }
    // The client went away or sent a broken chunked encoding.
    throw new HttpError("malformed-json", "Request body could not be read");
  }
}

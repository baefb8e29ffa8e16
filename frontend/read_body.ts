/**
 * Reads a request body for the UI server within a byte limit and a
 * wall-clock deadline, as {@link UiError}s (400, 408, 413). The reading is
 * `lib/bounded_body.ts`, the backend's: memory bounded by bytes however the
 * body is chunked, the deadline held by the clock, and the event loop given
 * a turn while a body of many small chunks is read, so one client cannot
 * hold the UI server (its `/health` among the rest).
 */
import { BodyReadError, readBoundedBody } from "../lib/bounded_body.ts";
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

/** Read all of `req`'s body within the limits; throws a {@link UiError} (400, 408 or 413). */
export async function readBody(
  req: Request,
  options: ReadBodyOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const { maxBytes, timeoutMs, limitName } = options;
  const length = req.headers.get("content-length");
  try {
    return await readBoundedBody(req.body, {
      maxBytes,
      timeoutMs,
      declaredLength: length === null ? null : Number(length),
    });
  } catch (err) {
    if (!(err instanceof BodyReadError)) throw err;
    // The rest of a refused body is not read: close, so the client stops sending.
    const close = { connection: "close" };
    if (err.kind === "too-large") {
      throw new UiError(
        "payload-too-large",
        `Request body exceeds the limit of ${maxBytes} bytes (${limitName})`,
        { extra: { limit: maxBytes }, headers: close },
      );
    }
    if (err.kind === "timeout") {
      throw new UiError(
        "body-timeout",
        `Request body was not received within ${timeoutMs} ms (BODY_TIMEOUT_MS)`,
        { headers: close },
      );
    }
    // The client went away or sent a broken chunked encoding ("over-budget" needs an `admit`).
    throw new UiError("bad-request", "Request body could not be read", { cause: err });
  }
}

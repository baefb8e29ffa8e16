/**
 * Memory-aware admission: every `/predict` reserves the bytes its body may
 * take (its `Content-Length`, or `MAX_BODY_BYTES` when chunked) from a
 * per-worker budget before a byte is read, and gives them back when the
 * response is ready. Past the budget it answers 503 with Retry-After at once,
 * so overload is shed early and cheaply instead of buffering, parsing and
 * scoring more bodies than the container's memory holds (the arithmetic is in
 * docs/TECHNICAL_OVERVIEW.md, "Security and limits").
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "../problem.ts";

/** Options for {@link bodyBudget}. */
export interface BodyBudgetOptions {
  /** Body bytes admitted at once on this worker. */
  budgetBytes: number;
  /** The largest body accepted (MAX_BODY_BYTES): reserved for bodies of unknown length. */
  maxBodyBytes: number;
  /** Called with the bytes reserved after every change (for the `body_bytes_in_flight` gauge). */
  onChange?: (reserved: number) => void;
}

/** The bytes a request reserves: its declared length up to the limit, else the limit. */
export function reservationFor(
  contentLength: string | null | undefined,
  maxBodyBytes: number,
): number {
  const declared = contentLength ? Number(contentLength) : NaN;
  // Over the limit is answered 413 by the body reader; it never reads more than the limit.
  return Number.isFinite(declared) && declared >= 0
    ? Math.min(declared, maxBodyBytes)
    : maxBodyBytes;
}

/** Create the admission middleware. */
export function bodyBudget(options: BodyBudgetOptions): MiddlewareHandler {
  const { budgetBytes, maxBodyBytes, onChange } = options;
  let reserved = 0;
  return async function admitBody(c, next) {
    const want = reservationFor(c.req.header("content-length"), maxBodyBytes);
    if (reserved + want > budgetBytes) {
      throw new HttpError(
        "overloaded",
        `Request bodies in progress on this worker would exceed ${budgetBytes} bytes ` +
          `(MAX_BODY_BYTES_IN_FLIGHT); retry shortly`,
        // Close: the body is not read, and draining it would spend the CPU shedding is meant to
        // save (1,000 shed 1 MiB uploads took twice as long to answer when drained).
        { headers: { "retry-after": "1", connection: "close" } },
      );
    }
    reserved += want;
    onChange?.(reserved);
    try {
      await next();
    } finally {
      reserved -= want;
      onChange?.(reserved);
    }
  };
}

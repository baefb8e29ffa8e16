/**
 * Hono middleware that parses a JSON body within limits into `c.get("body")`
 * (see `read_json.ts`). A large body is parsed and handled in its turn
 * ({@link TurnQueue}): what follows the parse (validating, scoring,
 * serializing a batch) is one synchronous stretch, and bodies that
 * completed together would otherwise run back to back in one turn of the
 * event loop, keeping every other connection (`/health` among them) and
 * every timer waiting for seconds.
 */
import type { MiddlewareHandler } from "hono";
import { TurnQueue } from "../../../lib/turn_queue.ts";
import { parseJson, readJsonBytes, type ReadJsonOptions } from "../read_json.ts";

/** Hono context variables set by this middleware. */
export interface JsonBodyVariables {
  body: unknown;
  /** Set by `bodyBudget`: asks to hold `total` body bytes; false when the budget is spent. */
  admitBodyBytes?: (total: number) => boolean;
}

/** Options for {@link jsonBody}. */
export type JsonBodyOptions = ReadJsonOptions;

/**
 * Bodies from this size on take turns (about 700 readings, a few milliseconds
 * of work); smaller ones are handled at once, as a turn would cost them more
 * than their work.
 */
export const TURN_BODY_BYTES = 64 * 1024;

/** The turns of this isolate's event loop: one queue for every route that parses a body. */
const turns = new TurnQueue();

/**
 * Parse `bytes` (read by `readJsonBytes`) and hand the value to `use`; a large body waits for
 * its turn first and keeps it until `use` is done.
 */
export async function usingParsedBody<T>(
  bytes: Uint8Array,
  use: (body: unknown) => T | Promise<T>,
): Promise<T> {
  if (bytes.byteLength < TURN_BODY_BYTES) return await use(parseJson(bytes));
  await turns.enter();
  try {
    return await use(parseJson(bytes));
  } finally {
    turns.leave();
  }
}

/** Parse the body of the request as JSON within the limits, into `c.get("body")`. */
export function jsonBody(
  options: JsonBodyOptions,
): MiddlewareHandler<{ Variables: JsonBodyVariables }> {
  return async function jsonBody(c, next) {
    const bytes = await readJsonBytes(c.req.raw, options, c.get("admitBodyBytes") ?? options.admit);
    await usingParsedBody(bytes, (body) => {
      c.set("body", body);
      return next();
    });
  };
}

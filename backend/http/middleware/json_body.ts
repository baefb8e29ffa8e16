/** Hono middleware that parses a JSON body within limits into `c.get("body")` (see `read_json.ts`). */
import type { MiddlewareHandler } from "hono";
import { readJson, type ReadJsonOptions } from "../read_json.ts";

/** Hono context variables set by this middleware. */
export interface JsonBodyVariables {
  body: unknown;
  /** Set by `bodyBudget`: asks to hold `total` body bytes; false when the budget is spent. */
  admitBodyBytes?: (total: number) => boolean;
}

/** Options for {@link jsonBody}. */
export type JsonBodyOptions = ReadJsonOptions;

/** Parse the body of the request as JSON within the limits, into `c.get("body")`. */
export function jsonBody(
  options: JsonBodyOptions,
): MiddlewareHandler<{ Variables: JsonBodyVariables }> {
  return async function jsonBody(c, next) {
    c.set("body", await readJson(c.req.raw, options, c.get("admitBodyBytes") ?? options.admit));
    return next();
  };
}

/**
 * A route that does work on a JSON body (`/predict`, `/feedback`), guarded in
 * one handler frame instead of a middleware each: the worker's MAX_INFLIGHT
 * (503), a readiness check, the body budget (503 before a byte is read), the
 * bounded read (415, 413, 408) and parse (400), large bodies in turn. The
 * guards are the same objects the other routes share; each Hono middleware
 * frame costs about 1.5 µs of CPU, which a one-reading `/predict` feels
 * (docs/PERFORMANCE.md).
 */
import type { Context, Env, Handler } from "hono";
import type { ReadJsonOptions } from "../read_json.ts";
import { readJsonBytes } from "../read_json.ts";
import type { BodyAdmission } from "./body_budget.ts";
import type { InflightLimit } from "./inflight_limit.ts";
import { usingParsedBody } from "./json_body.ts";

/** What a body route checks before its handler runs. */
export interface BodyGuards {
  /** The worker's MAX_INFLIGHT, shared by the routes that do work. */
  inflight: InflightLimit;
  /** The worker's body budget, shared by the routes that read reading batches. */
  bodies: BodyAdmission;
  /** Limits of the read (MAX_BODY_BYTES, BODY_TIMEOUT_MS). */
  read: ReadJsonOptions;
  /** Throws when the route cannot serve (e.g. no model loaded), before the body is read. */
  ready?: () => void;
}

/** A handler that runs `handle` with the parsed body once every guard let the request in. */
export function bodyRoute<E extends Env>(
  guards: BodyGuards,
  handle: (c: Context<E>, body: unknown) => Response | Promise<Response>,
): Handler<E> {
  const { inflight, bodies, read, ready } = guards;
  return async function bodyRoute(c) {
    inflight.enter();
    try {
      ready?.();
      const lease = bodies.admit(c.req.header("content-length"));
      try {
        const bytes = await readJsonBytes(c.req.raw, read, lease.grow);
        return await usingParsedBody(bytes, (body) => handle(c, body));
      } finally {
        lease.release();
      }
    } finally {
      inflight.leave();
    }
  };
}

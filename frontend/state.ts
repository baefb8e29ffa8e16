/**
 * What every route handler receives besides the request (Fresh's
 * `ctx.state`): the UI server's shared objects, built once in `app.ts`, and
 * the handler types the files under `routes/` export.
 */
import type { Logger } from "../lib/logger.ts";
import type { BatchLimit } from "./batch_limit.ts";
import type { BurstRunner } from "./bursts.ts";
import type { UiConfig } from "./config.ts";
import type { UiLifecycle } from "./shutdown.ts";
import type { ProxyHandler } from "./proxy.ts";
import type { IslandRegistry } from "./runtime/render.ts";
import type { StaticFiles } from "./static_files.ts";

/** The UI server's shared objects. */
export interface UiState {
  config: Pick<
    UiConfig,
    "backendUrl" | "maxBodyBytes" | "maxInflight" | "maxInflightBytes" | "bodyTimeoutMs"
  >;
  bursts: BurstRunner;
  /** The `/api/*` proxy to the backend. */
  proxy: ProxyHandler;
  lifecycle: UiLifecycle;
  staticFiles: StaticFiles;
  registry: IslandRegistry;
  logger: Logger;
  /** The batch limit learned from the backend's `/openapi.json` (`batch_limit.ts`). */
  batchLimits: { current(): Promise<BatchLimit> };
}

/** A handler's context: path parameters, the client's address and the state. */
export interface RouteContext {
  params: Record<string, string>;
  /** The client's address, when the server knows it. */
  remoteAddr?: Deno.NetAddr | undefined;
  state: UiState;
}

/** HTTP methods a route may handle. */
export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

/** One method's handler; it throws a `UiError` to answer with a problem. */
export type Handler = (req: Request, ctx: RouteContext) => Response | Promise<Response>;

/**
 * A route's handlers by method (Fresh's `Handlers`; other methods get 405
 * with `Allow`), or one handler for every method.
 */
export type Handlers = Partial<Record<Method, Handler>>;

/** What a file under `routes/` exports as `handler`. */
export type RouteHandler = Handler | Handlers;

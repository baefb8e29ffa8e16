/**
 * The UI server: pages rendered with Preact (islands hydrate in the browser),
 * `/api/*` proxied to the one backend, server-side bursts under
 * `/api/bursts`, and `static/` from memory. The handlers live under
 * `routes/` in Fresh's layout; this file mounts them on a Hono app with the
 * shared state, so tests call `app.request()` in-process. Handlers throw one
 * error type, {@link UiError}, rendered in one place, `onError`.
 */
import { Hono } from "hono";
import { compress } from "hono/compress";
import type { Logger } from "../lib/logger.ts";
import { BatchLimits } from "./batch_limit.ts";
import type { BurstRunner } from "./bursts.ts";
import { UiShutdown } from "./shutdown.ts";
import { ISLANDS } from "./manifest.ts";
import { UiError } from "./problem.ts";
import { createProxy } from "./proxy.ts";
import * as proxyRoute from "./routes/api/[...path].ts";
import * as burstRoute from "./routes/api/bursts/[id].ts";
import * as burstsRoute from "./routes/api/bursts/index.ts";
import * as healthRoute from "./routes/health.ts";
import * as indexRoute from "./routes/index.tsx";
import * as meterRoute from "./routes/meter.tsx";
import { islandRegistry } from "./runtime/render.ts";
import type { Method, RouteHandler, UiState } from "./state.ts";
import { serveStatic, type StaticFiles } from "./static_files.ts";
import type { Upstream } from "./upstream.ts";

export { UiShutdown };

/** What the UI app is built from. */
export interface UiAppDeps {
  config: UiState["config"];
  upstream: Upstream;
  bursts: BurstRunner;
  staticFiles: StaticFiles;
  logger: Logger;
  /** Shutdown state shared with `main.ts`; `/health` answers 503 while draining. */
  shutdown?: UiShutdown;
  /** The batch limit offered by the page; by default learned through `upstream`. */
  batchLimits?: UiState["batchLimits"];
}

const registry = islandRegistry(ISLANDS);

/** Routes by Hono path pattern, most specific first (Fresh derives these from file names). */
const ROUTES: readonly [string, RouteHandler][] = [
  ["/", indexRoute.handler],
  ["/meter", meterRoute.handler],
  ["/health", healthRoute.handler],
  ["/api/bursts", burstsRoute.handler],
  ["/api/bursts/:id", burstRoute.handler],
  ["/api/*", proxyRoute.handler],
];

/** Mount one route: its handler for each method it has, else 405 with `Allow`. */
function mount(app: Hono, pattern: string, route: RouteHandler, state: UiState): void {
  app.all(pattern, (c) => {
    const remoteAddr = (c.env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr;
    const ctx = { params: c.req.param() as Record<string, string>, remoteAddr, state };
    if (typeof route === "function") return route(c.req.raw, ctx);
    const method = c.req.method as Method;
    const handle = route[method] ?? (method === "HEAD" ? route.GET : undefined);
    if (!handle) {
      const allow = Object.keys(route).join(", ");
      throw new UiError(
        "method-not-allowed",
        `Method ${c.req.method} is not allowed on ${c.req.path}; use ${allow}`,
        { headers: { allow } },
      );
    }
    return handle(c.req.raw, ctx);
  });
}

/** Create the UI server's Hono app. */
export function createUiApp(deps: UiAppDeps): Hono {
  const { config, upstream, bursts, staticFiles, logger } = deps;
  const shutdown = deps.shutdown ?? new UiShutdown();
  const proxy = createProxy(upstream, {
    maxBodyBytes: config.maxBodyBytes,
    bodyTimeoutMs: config.bodyTimeoutMs,
    maxInflight: config.maxInflight,
    maxInflightBytes: config.maxInflightBytes,
    logger,
  });
  const batchLimits = deps.batchLimits ??
    new BatchLimits({ upstream, maxBodyBytes: config.maxBodyBytes });
  const state: UiState = {
    config,
    bursts,
    proxy,
    shutdown,
    staticFiles,
    registry,
    logger,
    batchLimits,
  };
  const app = new Hono();

  // Counts requests in flight for the shutdown. While draining, ask keep-alive
  // clients to reconnect: the next connection lands on a pod that stays.
  app.use(async (c, next) => {
    if (shutdown.closing) {
      // Any body is left unread (lib/bounded_body.ts says why); the connection closes.
      throw new UiError("shutting-down", "The UI server is shutting down; retry to reach another", {
        headers: { "retry-after": "1", connection: "close" },
      });
    }
    shutdown.enter();
    try {
      await next();
    } finally {
      shutdown.leave();
    }
    if (shutdown.draining) c.res.headers.set("connection", "close");
  });
  app.use("/", compress());

  for (const [pattern, route] of ROUTES) mount(app, pattern, route, state);

  // Fresh's staticFiles(): `static/` from memory, with ETags and gzip.
  app.on(["GET", "HEAD"], "/static/*", (c) => {
    const res = serveStatic(staticFiles, c.req.path, c.req.raw);
    if (!res) throw new UiError("not-found", `No static file "${c.req.path}"`);
    return res;
  });

  app.notFound((c) => {
    throw new UiError("not-found", `No page "${c.req.path}"`);
  });
  // The one place errors become responses: a UiError is the client's problem
  // as thrown; anything else is ours, logged and answered without details.
  app.onError((err) => {
    if (err instanceof UiError) return err.toResponse();
    logger.error("unhandled_error", { error: err instanceof Error ? err.message : String(err) });
    return new UiError("internal", "The UI server failed to handle the request").toResponse();
  });
  return app;
}

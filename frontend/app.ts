/**
 * The UI server: pages rendered with Preact (islands hydrate in the browser),
 * `/api/*` proxied to the one backend, server-side bursts under
 * `/api/bursts`, and `static/` from memory. Built as a Hono app from its
 * dependencies so tests call `app.request()` in-process.
 */
import { Hono } from "hono";
import { compress } from "hono/compress";
import { h } from "preact";
import type { Logger } from "../backend/logger.ts";
import {
  BURST_MAX_BODY_BYTES,
  BurstRunner,
  BurstsClosedError,
  BurstSpecError,
  parseBurstSpec,
  TooManyBurstsError,
} from "./bursts.ts";
import type { UiConfig } from "./config.ts";
import { ISLANDS } from "./manifest.ts";
import { UiError, uiProblemResponse } from "./problem.ts";
import { createProxy } from "./proxy.ts";
import { readBody } from "./read_body.ts";
import App from "./routes/_app.tsx";
import Index from "./routes/index.tsx";
import { islandRegistry, renderPage } from "./runtime/render.ts";
import { serveStatic, type StaticFiles } from "./static_files.ts";
import type { Upstream } from "./upstream.ts";

/** What the UI app is built from. */
export interface UiAppDeps {
  config: Pick<UiConfig, "backendUrl" | "maxBodyBytes" | "maxInflight" | "bodyTimeoutMs">;
  upstream: Upstream;
  bursts: BurstRunner;
  staticFiles: StaticFiles;
  logger: Logger;
  /** Shutdown state shared with `main.ts`; `/health` answers 503 while draining. */
  lifecycle?: UiLifecycle;
}

/**
 * The UI server's shutdown state and its requests in flight. SIGTERM starts
 * draining (readiness 503, requests still served); after the drain delay
 * closing: new requests get 503 while those in flight finish. Deno's
 * `server.shutdown()` breaks request bodies still being received, so
 * `main.ts` calls it only once {@link UiLifecycle.idle} resolves.
 */
export class UiLifecycle {
  #phase: "serving" | "draining" | "closing" = "serving";
  #inflight = 0;
  #onIdle: (() => void)[] = [];

  /** True from SIGTERM on. */
  get draining(): boolean {
    return this.#phase !== "serving";
  }

  /** True once new requests are refused. */
  get closing(): boolean {
    return this.#phase === "closing";
  }

  /** Requests being handled now. */
  get inflight(): number {
    return this.#inflight;
  }

  /** Stop reporting healthy so the Service stops routing here; keep serving meanwhile. */
  startDraining(): void {
    if (this.#phase === "serving") this.#phase = "draining";
  }

  /** Refuse new requests; those in flight continue. */
  startClosing(): void {
    this.#phase = "closing";
  }

  /** Count a request in (call {@link UiLifecycle.leave} when it is answered). */
  enter(): void {
    this.#inflight++;
  }

  /** Count a request out. */
  leave(): void {
    this.#inflight--;
    if (this.#inflight === 0) { for (const resolve of this.#onIdle.splice(0)) resolve(); }
  }

  /** Resolve when no request is in flight. */
  idle(): Promise<void> {
    if (this.#inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#onIdle.push(resolve));
  }
}

/** The URL prefix of the built island modules. */
export const BUILD_PREFIX = "/static/build/";

const registry = islandRegistry(ISLANDS);

/** Readings per request offered by the controls (the backend's default MAX_BATCH is higher). */
const UI_MAX_BATCH = 1_000;

function securityHeaders(nonce: string): Record<string, string> {
  return {
    "content-security-policy": [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      // chart.js sizes canvases through the CSSOM, which style-src does not restrict.
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
}

/** Create the UI server's Hono app. */
export function createUiApp(deps: UiAppDeps): Hono {
  const { config, upstream, bursts, staticFiles, logger } = deps;
  const lifecycle = deps.lifecycle ?? new UiLifecycle();
  const proxy = createProxy(upstream, {
    maxBodyBytes: config.maxBodyBytes,
    bodyTimeoutMs: config.bodyTimeoutMs,
  });
  const app = new Hono();
  let backendUp: boolean | null = null;
  let proxyInflight = 0;

  // Counts requests in flight for the shutdown. While draining, ask keep-alive
  // clients to reconnect: the next connection lands on a pod that stays.
  app.use(async (c, next) => {
    if (lifecycle.closing) {
      await c.req.raw.body?.cancel().catch(() => {});
      throw new UiError("shutting-down", "The UI server is shutting down; retry to reach another", {
        headers: { "retry-after": "1", connection: "close" },
      });
    }
    lifecycle.enter();
    try {
      await next();
    } finally {
      lifecycle.leave();
    }
    if (lifecycle.draining) c.res.headers.set("connection", "close");
  });

  app.get("/", compress(), (c) => {
    if (staticFiles.buildId === null) {
      return c.text(
        "The island bundles are missing: run `deno task build:ui` (or `deno task ui`, which builds first).",
        503,
      );
    }
    const nonce = crypto.randomUUID().replaceAll("-", "");
    const page = h(App, {
      title: "Grid anomaly detection",
      version: staticFiles.buildId,
      children: h(Index, { data: { backendUrl: config.backendUrl, maxBatch: UI_MAX_BATCH } }),
    });
    const { html } = renderPage(page, {
      registry,
      buildPrefix: BUILD_PREFIX,
      version: staticFiles.buildId,
      nonce,
    });
    return c.html(html, 200, { ...securityHeaders(nonce), "cache-control": "no-store" });
  });

  // The UI's own liveness/readiness: never depends on the backend, so a
  // backend outage does not take the UI out of its Service.
  // It turns 503 on SIGTERM so the Service stops sending new requests here.
  app.get("/health", (c) => {
    const built = staticFiles.buildId !== null;
    if (lifecycle.draining) {
      return c.json({ status: "draining", service: "anomaly-ui", built }, 503, {
        "cache-control": "no-store",
      });
    }
    return c.json({ status: "ok", service: "anomaly-ui", built });
  });

  app.post("/api/bursts", async (c) => {
    const bytes = await readBody(c.req.raw, {
      maxBytes: BURST_MAX_BODY_BYTES,
      timeoutMs: config.bodyTimeoutMs,
      limitName: "BURST_MAX_BODY_BYTES",
    });
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      throw new UiError("validation", "Burst request body must be JSON");
    }
    try {
      const status = bursts.start(parseBurstSpec(body));
      logger.info("burst_started", { id: status.id, ...status.spec });
      return c.json(status, 202, { location: `/api/bursts/${status.id}` });
    } catch (err) {
      if (err instanceof BurstSpecError) {
        return uiProblemResponse("validation", err.message, { extra: { errors: err.errors } });
      }
      if (err instanceof TooManyBurstsError) {
        throw new UiError("too-many-bursts", err.message, { headers: { "retry-after": "5" } });
      }
      if (err instanceof BurstsClosedError) {
        throw new UiError("shutting-down", err.message, { headers: { "retry-after": "5" } });
      }
      throw err;
    }
  });
  app.get("/api/bursts/:id", (c) => {
    const status = bursts.get(c.req.param("id"));
    if (!status) return uiProblemResponse("not-found", `No burst "${c.req.param("id")}"`);
    return c.json(status, 200, { "cache-control": "no-store" });
  });
  app.delete("/api/bursts/:id", (c) => {
    if (!bursts.cancel(c.req.param("id"))) {
      return uiProblemResponse("not-found", `No burst "${c.req.param("id")}"`);
    }
    return c.json({ cancelled: true }, 202);
  });
  app.all(
    "/api/bursts",
    () =>
      uiProblemResponse("method-not-allowed", "Use POST to start a burst", {
        headers: { allow: "POST" },
      }),
  );

  app.all("/api/*", async (c) => {
    const path = c.req.path.slice("/api".length);
    const info = (c.env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr;
    // Each proxied request may buffer a whole body: cap how many run at once.
    if (proxyInflight >= config.maxInflight) {
      await c.req.raw.body?.cancel().catch(() => {});
      throw new UiError(
        "overloaded",
        `${config.maxInflight} proxied requests are already in flight (PROXY_MAX_INFLIGHT); retry shortly`,
        { headers: { "retry-after": "1" } },
      );
    }
    proxyInflight++;
    let res: Response;
    try {
      res = await proxy(c.req.raw, path, info?.hostname);
    } finally {
      proxyInflight--;
    }
    // Log backend outages once per transition, not once per request.
    const up = res.status !== 502 && res.status !== 504;
    if (up !== backendUp) {
      if (!up) {
        logger.warn("backend_unavailable", { status: res.status, backend_url: config.backendUrl });
      } else if (backendUp === false) {
        logger.info("backend_available", { backend_url: config.backendUrl });
      }
      backendUp = up;
    }
    return res;
  });

  app.on(["GET", "HEAD"], "/static/*", (c) => {
    return serveStatic(staticFiles, c.req.path, c.req.raw) ??
      uiProblemResponse("not-found", `No static file "${c.req.path}"`);
  });

  app.notFound((c) => uiProblemResponse("not-found", `No page "${c.req.path}"`));
  // The one place errors become responses: a UiError is the client's problem
  // as thrown; anything else is ours, logged and answered without details.
  app.onError((err) => {
    if (err instanceof UiError) return err.toResponse();
    logger.error("unhandled_error", { error: err instanceof Error ? err.message : String(err) });
    return new UiError("internal", "The UI server failed to handle the request").toResponse();
  });
  return app;
}

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
import { BurstRunner, BurstSpecError, parseBurstSpec, TooManyBurstsError } from "./bursts.ts";
import type { UiConfig } from "./config.ts";
import { ISLANDS } from "./manifest.ts";
import { uiProblemResponse } from "./problem.ts";
import { createProxy } from "./proxy.ts";
import App from "./routes/_app.tsx";
import Index from "./routes/index.tsx";
import { islandRegistry, renderPage } from "./runtime/render.ts";
import { serveStatic, type StaticFiles } from "./static_files.ts";
import type { Upstream } from "./upstream.ts";

/** What the UI app is built from. */
export interface UiAppDeps {
  config: Pick<UiConfig, "backendUrl" | "maxBodyBytes">;
  upstream: Upstream;
  bursts: BurstRunner;
  staticFiles: StaticFiles;
  logger: Logger;
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
  const proxy = createProxy(upstream, { maxBodyBytes: config.maxBodyBytes });
  const app = new Hono();
  let backendUp: boolean | null = null;

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
  app.get(
    "/health",
    (c) => c.json({ status: "ok", service: "anomaly-ui", built: staticFiles.buildId !== null }),
  );

  app.post("/api/bursts", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return uiProblemResponse("validation", "Burst request body must be JSON");
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
        return uiProblemResponse("too-many-bursts", err.message);
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
    const res = await proxy(c.req.raw, path, info?.hostname);
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
  app.onError((err) => {
    logger.error("unhandled_error", { error: err instanceof Error ? err.message : String(err) });
    return new Response(
      JSON.stringify({
        type: "urn:anomaly-ui:problem:internal",
        title: "Internal error",
        status: 500,
        detail: "The UI server failed to handle the request",
        error: "The UI server failed to handle the request",
      }),
      { status: 500, headers: { "content-type": "application/problem+json" } },
    );
  });
  return app;
}

/**
 * The UI app built for tests over a real upstream client and burst runner:
 * in-process for `app.request()`, or served on a loopback port for tests
 * that need a real socket (raw clients, slow bodies).
 */
import type { Hono } from "hono";
import { silentLogger } from "../../lib/logger.ts";
import { createUiApp, type UiAppDeps } from "../app.ts";
import { UiLifecycle } from "../shutdown.ts";
import { BurstRunner, type BurstRunnerOptions } from "../bursts.ts";
import type { UiConfig } from "../config.ts";
import type { StaticFiles } from "../static_files.ts";
import { Upstream } from "../upstream.ts";

/** A UI server listening on 127.0.0.1. */
export interface TestUiServer {
  port: number;
  url: string;
  bursts: BurstRunner;
  lifecycle: UiLifecycle;
  close(): Promise<void>;
}

/** Limits of the test server; each defaults to a small value that tests can reach. */
export type TestUiLimits = Partial<
  Pick<
    UiConfig,
    "maxBodyBytes" | "maxInflight" | "maxInflightBytes" | "bodyTimeoutMs" | "upstreamTimeoutMs"
  >
>;

/** What {@link testUiApp} builds besides the limits. */
export interface TestUiAppOptions extends TestUiLimits {
  burstOptions?: BurstRunnerOptions;
  staticFiles?: StaticFiles;
  lifecycle?: UiLifecycle;
  batchLimits?: UiAppDeps["batchLimits"];
}

/** A test UI app (no socket) against `backendUrl`, with the parts a test may look at. */
export function testUiApp(backendUrl: string, options: TestUiAppOptions = {}): {
  app: Hono;
  upstream: Upstream;
  bursts: BurstRunner;
  lifecycle: UiLifecycle;
  /** Close the bursts, then the upstream client. */
  close(): Promise<void>;
} {
  const upstream = new Upstream({
    baseUrl: backendUrl,
    timeoutMs: options.upstreamTimeoutMs ?? 5_000,
    idleTimeoutMs: 1_000,
    maxRequestsPerConnection: 100,
  });
  const bursts = new BurstRunner(upstream, options.burstOptions);
  const lifecycle = options.lifecycle ?? new UiLifecycle();
  const app = createUiApp({
    config: {
      backendUrl,
      maxBodyBytes: options.maxBodyBytes ?? 65_536,
      maxInflight: options.maxInflight ?? 64,
      maxInflightBytes: options.maxInflightBytes ?? 16 * 1_048_576,
      bodyTimeoutMs: options.bodyTimeoutMs ?? 5_000,
    },
    upstream,
    bursts,
    staticFiles: options.staticFiles ?? { buildId: "test", files: new Map() },
    logger: silentLogger,
    lifecycle,
    ...(options.batchLimits ? { batchLimits: options.batchLimits } : {}),
  });
  return {
    app,
    upstream,
    bursts,
    lifecycle,
    close: async () => {
      await bursts.close();
      upstream.close();
    },
  };
}

/** Serve the UI app against `backendUrl` on a free loopback port. */
export function serveUi(
  backendUrl: string,
  limits: TestUiLimits = {},
  burstOptions: BurstRunnerOptions = {},
): TestUiServer {
  const { app, upstream, bursts, lifecycle } = testUiApp(backendUrl, { ...limits, burstOptions });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req, info) => app.fetch(req, info),
  );
  const port = server.addr.port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    bursts,
    lifecycle,
    close: async () => {
      await bursts.close();
      await server.shutdown();
      upstream.close();
    },
  };
}

/**
 * The UI app served on a loopback port in-process, for tests that need a
 * real socket (raw clients, slow bodies) rather than `app.request()`.
 */
import { silentLogger } from "../../backend/logger.ts";
import { createUiApp } from "../app.ts";
import { UiLifecycle } from "../lifecycle.ts";
import { BurstRunner, type BurstRunnerOptions } from "../bursts.ts";
import type { UiConfig } from "../config.ts";
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

/** Serve the UI app against `backendUrl` on a free loopback port. */
export function serveUi(
  backendUrl: string,
  limits: TestUiLimits = {},
  burstOptions: BurstRunnerOptions = {},
): TestUiServer {
  const upstream = new Upstream({
    baseUrl: backendUrl,
    timeoutMs: limits.upstreamTimeoutMs ?? 5_000,
    idleTimeoutMs: 1_000,
    maxRequestsPerConnection: 100,
  });
  const bursts = new BurstRunner(upstream, burstOptions);
  const lifecycle = new UiLifecycle();
  const app = createUiApp({
    config: {
      backendUrl,
      maxBodyBytes: limits.maxBodyBytes ?? 65_536,
      maxInflight: limits.maxInflight ?? 64,
      maxInflightBytes: limits.maxInflightBytes ?? 16 * 1_048_576,
      bodyTimeoutMs: limits.bodyTimeoutMs ?? 5_000,
    },
    upstream,
    bursts,
    staticFiles: { buildId: "test", files: new Map() },
    logger: silentLogger,
    lifecycle,
  });
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

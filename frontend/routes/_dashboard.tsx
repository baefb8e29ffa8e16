/**
 * What the two dashboard pages share (not a route, like `_app.tsx`): the
 * tabs between them, the side column of backend, models, bursts and
 * instances, and the handler that renders a page with its islands' props, a
 * CSP nonce and the batch limit learned from the backend.
 */
import { h, type JSX } from "preact";
import { UiError } from "../problem.ts";
import { renderPage } from "../runtime/render.ts";
import type { Handlers } from "../state.ts";
import App from "./_app.tsx";
import BackendStatus from "../islands/BackendStatus.tsx";
import BurstRunner from "../islands/BurstRunner.tsx";
import InstanceChart from "../islands/InstanceChart.tsx";
import ModelsPanel from "../islands/ModelsPanel.tsx";
import { BURST_BUDGET, BURST_LIMITS, type BurstSpec } from "../bursts.ts";

/** Data the server passes to a dashboard page. */
export interface IndexData {
  backendUrl: string;
  /** Largest batch offered in the controls, learned from the backend (`batch_limit.ts`). */
  maxBatch: number;
  /** Where {@link IndexData.maxBatch} comes from, shown beside the control. */
  maxBatchNote: string;
  /** Seed of the fleet page's simulated stream: `?seed=` to replay one, else new per page. */
  seed: number;
}

/** Defaults of the burst controls. */
export const BURST_DEFAULTS: BurstSpec = {
  requests: 200,
  concurrency: 8,
  cycles: 1,
  pauseMs: 1_000,
  batchSize: 64,
  anomalyRate: 0.05,
  newConnection: false,
};

/** The dashboard's pages, in tab order. */
export const TABS = [
  { path: "/", label: "Fleet" },
  { path: "/meter", label: "Single meter" },
] as const;

/** Links between the pages, the current one marked. */
export function PageTabs({ current }: { current: string }): JSX.Element {
  return (
    <nav class="tabs" aria-label="Views">
      {TABS.map((t) => (
        <a key={t.path} href={t.path} aria-current={t.path === current ? "page" : undefined}>
          {t.label}
        </a>
      ))}
    </nav>
  );
}

/** The side column: backend status, models, bursts, requests per instance. */
export function SideColumn(
  { maxBatch, backendUrl }: { maxBatch: number; backendUrl: string },
): JSX.Element {
  // A burst's requests go to the same backend: no larger batch than it takes.
  const burstMax = Math.min(BURST_LIMITS.batchSize[1], maxBatch);
  return (
    <aside class="side-col" aria-label="Backend, models, bursts and instances">
      <BackendStatus backendUrl={backendUrl} pollMs={5_000} retryMs={2_000} />
      <ModelsPanel pollMs={5_000} />
      <BurstRunner
        defaults={{ ...BURST_DEFAULTS, batchSize: Math.min(BURST_DEFAULTS.batchSize, burstMax) }}
        limits={{ ...BURST_LIMITS, batchSize: [1, burstMax] }}
        budget={{ ...BURST_BUDGET }}
        pollMs={250}
      />
      <InstanceChart maxBars={20} />
    </aside>
  );
}

/** The URL prefix of the built island modules. */
export const BUILD_PREFIX = "/static/build/";

/** The page's headers: a CSP allowing only our scripts and the one inline boot script by nonce. */
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
    "cache-control": "no-store",
  };
}

/** Largest seed a page picks or accepts. */
export const MAX_SEED = 999_999;

/** The stream seed asked for with `?seed=N` (an integer 0 to {@link MAX_SEED}), else a random one. */
export function pageSeed(url: URL): number {
  const asked = url.searchParams.get("seed");
  if (asked !== null && /^\d{1,6}$/.test(asked)) return Number(asked);
  return crypto.getRandomValues(new Uint32Array(1))[0]! % (MAX_SEED + 1);
}

/** Handlers rendering `Page` with the data above and a fresh nonce. */
export function dashboardHandler(
  Page: (props: { data: IndexData }) => JSX.Element,
  title: string,
): Handlers {
  return {
    async GET(req, { state }) {
      const version = state.staticFiles.buildId;
      if (version === null) {
        throw new UiError(
          "not-built",
          "The island bundles are missing: run `deno task build:ui` (or `deno task ui`, which builds first).",
        );
      }
      const limit = await state.batchLimits.current();
      const nonce = crypto.randomUUID().replaceAll("-", "");
      const page = h(App, {
        title,
        version,
        children: h(Page, {
          data: {
            backendUrl: state.config.backendUrl,
            maxBatch: limit.maxBatch,
            maxBatchNote: limit.note,
            seed: pageSeed(new URL(req.url)),
          },
        }),
      });
      const { html } = renderPage(page, {
        registry: state.registry,
        buildPrefix: BUILD_PREFIX,
        version,
        nonce,
      });
      return new Response(html, {
        headers: { "content-type": "text/html; charset=UTF-8", ...securityHeaders(nonce) },
      });
    },
  };
}

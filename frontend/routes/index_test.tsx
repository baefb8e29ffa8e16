import assert from "node:assert/strict";
import { type BatchLimit, offeredLimit } from "../batch_limit.ts";
import { BURST_LIMITS } from "../bursts.ts";
import { ISLANDS } from "../manifest.ts";
import { UiError } from "../problem.ts";
import { islandRegistry, renderPage } from "../runtime/render.ts";
import { routeContext } from "../tests/_route_context.ts";
import Index, { BURST_DEFAULTS, handler } from "./index.tsx";
import SingleMeter, { handler as meterHandler } from "./meter.tsx";
import { type IndexData, MAX_SEED, pageSeed } from "./_dashboard.tsx";

const registry = islandRegistry(ISLANDS);

/** The props each island of the page was given, by island name. */
function islandProps(
  maxBatch: number,
  Page: (p: { data: IndexData }) => preact.JSX.Element = SingleMeter,
): Record<string, Record<string, unknown>> {
  const { html } = renderPage(
    <Page data={{ backendUrl: "http://b:8000", maxBatch, maxBatchNote: "note", seed: 7 }} />,
    { registry, buildPrefix: "/static/build/", version: "v", nonce: "n" },
  );
  const names = [...html.matchAll(/data-island="(\w+)"/g)].map((m) => m[1]!);
  const props = JSON.parse(/id="__island_props">(.*?)<\/script>/.exec(html)![1]!) as Record<
    string,
    unknown
  >[];
  return Object.fromEntries(names.map((name, i) => [name, props[i]!]));
}

Deno.test("Index puts the fleet first, with its seed and the learned batch limit", () => {
  const props = islandProps(50, Index);
  assert.deepEqual(Object.keys(props), [
    "FleetMonitor",
    "BackendStatus",
    "ModelsPanel",
    "BurstRunner",
    "InstanceChart",
  ]);
  assert.equal(props.FleetMonitor!.seed, 7);
  assert.equal(props.FleetMonitor!.maxBatch, 50);
  assert.equal(Object.keys(islandProps(50)).includes("LiveMonitor"), true);
});

Deno.test("SingleMeter offers the learned batch limit to the stream and caps the burst form by it", () => {
  const small = islandProps(50);
  assert.equal(small.LiveMonitor!.maxBatch, 50);
  assert.equal(small.LiveMonitor!.maxBatchNote, "note");
  const burst = small.BurstRunner as {
    limits: typeof BURST_LIMITS;
    defaults: typeof BURST_DEFAULTS;
  };
  assert.deepEqual(burst.limits.batchSize, [1, 50]);
  assert.equal(burst.defaults.batchSize, 50, "the default batch fits the backend");
  assert.deepEqual(burst.limits.requests, BURST_LIMITS.requests);
  // A backend that takes more than a burst may send keeps the burst's own limit.
  const large = islandProps(5_000).BurstRunner as typeof burst;
  assert.deepEqual(large.limits.batchSize, BURST_LIMITS.batchSize);
  assert.equal(large.defaults.batchSize, BURST_DEFAULTS.batchSize);
});

/** A batch limit source that counts how often it was asked. */
function limits(limit: BatchLimit) {
  const asked = { n: 0 };
  return {
    asked,
    batchLimits: {
      current: () => {
        asked.n++;
        return Promise.resolve(limit);
      },
    },
  };
}

Deno.test("GET / and GET /meter render their pages with the batch limit the state learned, and a nonce per request", async () => {
  const { batchLimits, asked } = limits(offeredLimit(null, 8_192, "connection refused"));
  const ctx = routeContext({
    batchLimits,
    registry,
    staticFiles: { buildId: "b1", files: new Map() },
    config: { backendUrl: "http://b:8000" } as never,
  });
  const first = await handler.GET!(new Request("http://ui/"), ctx);
  const html = await first.text();
  assert.equal(asked.n, 1);
  // 1000 readings over 8 meters: at most 64 per meter and request.
  assert.match(html, /<input id="fleet-speed"[^>]* max="64"/);
  assert.match(html, /<a href="\/" aria-current="page">Fleet<\/a>/);
  const replay = await (await handler.GET!(new Request("http://ui/?seed=42"), ctx)).text();
  assert.match(replay, /id="fleet-seed" data-value="42"/);
  const meter = await (await meterHandler.GET!(new Request("http://ui/meter"), ctx)).text();
  assert.match(meter, /<input id="batch-size"[^>]* max="1000"/);
  assert.match(meter, /MAX_BATCH is unknown \(connection refused\)/);
  assert.match(meter, /<a href="\/meter" aria-current="page">Single meter<\/a>/);
  const second = await handler.GET!(new Request("http://ui/"), ctx);
  const nonce = (res: Response) =>
    /'nonce-(\w+)'/.exec(res.headers.get("content-security-policy")!)![1];
  assert.notEqual(nonce(first), nonce(second));
  await second.body?.cancel();
});

Deno.test("GET / without bundles says how to build and does not ask the backend", async () => {
  const { batchLimits, asked } = limits(offeredLimit(50, 8_192));
  const ctx = routeContext({
    batchLimits,
    registry,
    staticFiles: { buildId: null, files: new Map() },
  });
  await assert.rejects(async () => await handler.GET!(new Request("http://ui/"), ctx), (err) => {
    assert.ok(err instanceof UiError);
    assert.equal(err.status, 503);
    assert.match(err.message, /deno task build:ui/);
    return true;
  });
  assert.equal(asked.n, 0);
});

Deno.test("pageSeed() replays ?seed=N and picks a fresh seed otherwise", () => {
  assert.equal(pageSeed(new URL("http://ui/?seed=123")), 123);
  assert.equal(pageSeed(new URL("http://ui/?seed=0")), 0);
  for (const bad of ["-1", "1e3", "1234567", "x", ""]) {
    const seed = pageSeed(new URL(`http://ui/?seed=${bad}`));
    assert.ok(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED, `${bad}: ${seed}`);
  }
});

import assert from "node:assert/strict";
import { UiLifecycle } from "../shutdown.ts";
import { routeContext } from "../tests/_route_context.ts";
import { handler } from "./health.ts";

const get = (ctx: ReturnType<typeof routeContext>) =>
  handler.GET!(new Request("http://ui/health"), ctx);

Deno.test("GET /health reports whether the island bundles are built", async () => {
  const built = await get(routeContext({ staticFiles: { buildId: "b1", files: new Map() } }));
  assert.equal(built.status, 200);
  assert.deepEqual(await built.json(), { status: "ok", service: "anomaly-ui", built: true });
  const bare = await get(routeContext({ staticFiles: { buildId: null, files: new Map() } }));
  assert.equal(bare.status, 200, "a UI without bundles is alive; / says how to build");
  assert.equal((await bare.json()).built, false);
});

Deno.test("GET /health is 503 and uncached from the moment draining starts", async () => {
  const lifecycle = new UiLifecycle();
  lifecycle.startDraining();
  const res = await get(
    routeContext({ lifecycle, staticFiles: { buildId: "b1", files: new Map() } }),
  );
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.deepEqual(await res.json(), { status: "draining", service: "anomaly-ui", built: true });
});

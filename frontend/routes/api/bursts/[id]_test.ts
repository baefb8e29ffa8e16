import assert from "node:assert/strict";
import type { BurstRunner, BurstStatus } from "../../../bursts.ts";
import { UiError } from "../../../problem.ts";
import { routeContext } from "../../../tests/_route_context.ts";
import { handler } from "./[id].ts";

/** A runner that knows one burst, "b-1", until it is cancelled. */
function oneBurst() {
  const state = { cancelled: false };
  const bursts = {
    get: (id: string) =>
      id === "b-1" ? { id, state: state.cancelled ? "cancelled" : "running" } as BurstStatus : null,
    cancel: (id: string) => id === "b-1" && !state.cancelled && (state.cancelled = true),
  } as unknown as BurstRunner;
  return (id: string) => routeContext({ bursts }, { params: { id } });
}

const req = (method: string) => new Request("http://ui/api/bursts/x", { method });

Deno.test("GET /api/bursts/:id reports the burst uncached; DELETE cancels it with 202", async () => {
  const ctx = oneBurst();
  const running = await handler.GET!(req("GET"), ctx("b-1"));
  assert.equal(running.headers.get("cache-control"), "no-store");
  assert.equal((await running.json()).state, "running");
  const cancelled = await handler.DELETE!(req("DELETE"), ctx("b-1"));
  assert.equal(cancelled.status, 202);
  assert.deepEqual(await cancelled.json(), { cancelled: true });
  assert.equal((await (await handler.GET!(req("GET"), ctx("b-1"))).json()).state, "cancelled");
});

Deno.test("an unknown or already cancelled burst id is a 404 problem naming the id", async () => {
  const ctx = oneBurst();
  await handler.DELETE!(req("DELETE"), ctx("b-1"));
  for (
    const [method, id] of [["GET", "nope"], ["DELETE", "nope"], ["DELETE", "b-1"]] as const
  ) {
    await assert.rejects(async () => await handler[method]!(req(method), ctx(id)), (err) => {
      assert.ok(err instanceof UiError);
      assert.equal(err.status, 404);
      assert.equal(err.message, `No burst "${id}"`);
      return true;
    });
  }
});

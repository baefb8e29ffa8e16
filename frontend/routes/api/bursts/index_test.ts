import assert from "node:assert/strict";
import type { BurstRunner, BurstSpec, BurstStatus } from "../../../bursts.ts";
import { UiShutdown } from "../../../shutdown.ts";
import { UiError } from "../../../problem.ts";
import { routeContext } from "../../../tests/_route_context.ts";
import { handler } from "./index.ts";

const SPEC: BurstSpec = {
  requests: 4,
  concurrency: 2,
  cycles: 1,
  pauseMs: 0,
  batchSize: 8,
  anomalyRate: 0.1,
  newConnection: false,
};

/** A runner that records what it was asked to start. */
function fakeRunner() {
  const started: BurstSpec[] = [];
  const runner = {
    start(spec: BurstSpec) {
      started.push(spec);
      return { id: "b-1", state: "running", spec, total: 4 } as BurstStatus;
    },
  } as unknown as BurstRunner;
  return { runner, started };
}

const post = async (body: BodyInit, ctx = routeContext({ bursts: fakeRunner().runner })) =>
  await handler.POST!(new Request("http://ui/api/bursts", { method: "POST", body }), ctx);

Deno.test("POST /api/bursts starts the parsed burst and answers 202 with its location", async () => {
  const { runner, started } = fakeRunner();
  const res = await post(JSON.stringify(SPEC), routeContext({ bursts: runner }));
  assert.equal(res.status, 202);
  assert.equal(res.headers.get("location"), "/api/bursts/b-1");
  assert.equal((await res.json()).id, "b-1");
  assert.deepEqual(started, [SPEC]);
});

Deno.test("POST /api/bursts refuses a body that is not UTF-8 JSON, naming the problem", async () => {
  for (const body of ["{not json", new Uint8Array([0x7b, 0xff, 0x7d])]) {
    await assert.rejects(post(body), (err) => {
      assert.ok(err instanceof UiError);
      assert.equal(err.status, 422);
      assert.equal(err.message, "Burst request body must be JSON");
      return true;
    });
  }
});

Deno.test("POST /api/bursts while draining starts nothing and leaves the body unread, closing the connection", async () => {
  const { runner, started } = fakeRunner();
  const shutdown = new UiShutdown();
  shutdown.startDraining();
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled++;
      c.enqueue(new TextEncoder().encode(" "));
    },
  });
  await assert.rejects(post(body, routeContext({ bursts: runner, shutdown })), (err) => {
    assert.ok(err instanceof UiError);
    assert.equal(err.status, 503);
    assert.equal(new Headers(err.headers).get("retry-after"), "5");
    // Not cancelled (that stalled the event loop while a client kept sending: lib/bounded_body.ts).
    assert.equal(new Headers(err.headers).get("connection"), "close");
    return true;
  });
  assert.ok(pulled <= 1, `read ${pulled} chunks of a body it refuses`);
  assert.deepEqual(started, []);
});

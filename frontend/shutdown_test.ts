import assert from "node:assert/strict";
import { UiLifecycle } from "./shutdown.ts";

Deno.test("UiLifecycle goes serving → draining → closing, and SIGTERM twice does not reopen", () => {
  const l = new UiLifecycle();
  assert.deepEqual([l.draining, l.closing], [false, false]);
  l.startDraining();
  assert.deepEqual([l.draining, l.closing], [true, false]);
  l.startClosing();
  assert.deepEqual([l.draining, l.closing], [true, true]);
  l.startDraining(); // a second SIGTERM while closing
  assert.deepEqual([l.draining, l.closing], [true, true]);
});

Deno.test("UiLifecycle.idle() resolves at once when nothing is in flight, else when the last request leaves", async () => {
  const l = new UiLifecycle();
  await l.idle();
  l.enter();
  l.enter();
  assert.equal(l.inflight, 2);
  let idle = false;
  const waiting = [l.idle(), l.idle()].map((p) => p.then(() => (idle = true)));
  l.leave();
  await Promise.resolve();
  assert.equal(idle, false, "one request is still in flight");
  l.leave();
  await Promise.all(waiting);
  assert.equal(l.inflight, 0);
  // A later idle() does not wait for requests that come and go before it.
  l.enter();
  l.leave();
  await l.idle();
});

import assert from "node:assert/strict";
import { TurnQueue } from "./turn_queue.ts";

Deno.test("TurnQueue.enter() lets the first piece in at once and the rest in order", async () => {
  const queue = new TurnQueue();
  const order: number[] = [];
  await Promise.all([1, 2, 3].map((n) => queue.run(() => void order.push(n))));
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(queue.waiting, 0);
});

Deno.test("TurnQueue runs a timer between two waiting pieces of synchronous work", async () => {
  const queue = new TurnQueue();
  const events: string[] = [];
  const busy = (name: string) => () => {
    events.push(name);
    const until = performance.now() + 5;
    while (performance.now() < until) {
      // synchronous work, as scoring a batch is
    }
  };
  const first = queue.run(busy("a"));
  // Queued behind the first piece, as bodies that completed together are.
  const second = queue.run(busy("b"));
  setTimeout(() => events.push("timer"), 0);
  await Promise.all([first, second]);
  assert.deepEqual(events, ["a", "timer", "b"]);
});

Deno.test("TurnQueue.leave() frees the queue when nobody waits, and a failed piece passes the turn on", async () => {
  const queue = new TurnQueue();
  await assert.rejects(queue.run(() => Promise.reject(new RangeError("bad batch"))), RangeError);
  let ran = false;
  await queue.run(() => (ran = true));
  assert.ok(ran);
});

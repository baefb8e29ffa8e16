import assert from "node:assert/strict";
import { PendingCalls } from "./_worker_protocol.ts";

Deno.test("`PendingCalls` resolves each request with the reply under its own id, in any order", async () => {
  const calls = new PendingCalls<string>();
  const sent: number[] = [];
  const a = calls.call((id) => sent.push(id));
  const b = calls.call((id) => sent.push(id));
  assert.notEqual(sent[0], sent[1]);
  assert.equal(calls.waiting, 2);
  assert.equal(calls.settle(sent[1], "second"), true);
  assert.equal(calls.settle(sent[0], "first"), true);
  assert.deepEqual(await Promise.all([a, b]), ["first", "second"]);
  assert.equal(calls.waiting, 0);
});

Deno.test("`PendingCalls.settle()` ignores an unknown or repeated id", async () => {
  const calls = new PendingCalls<number>();
  let id = -1;
  const reply = calls.call((i) => (id = i));
  assert.equal(calls.settle(id + 1, 1), false);
  assert.equal(calls.settle(id, 2), true);
  assert.equal(calls.settle(id, 3), false);
  assert.equal(await reply, 2);
});

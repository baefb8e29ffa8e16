import assert from "node:assert/strict";
import { emitBackendOutcome, emitServed, onBackendOutcome, onServed } from "./bus.ts";

Deno.test("onServed() delivers every emitServed() to each listener until it stops listening", () => {
  const a: unknown[] = [];
  const b: unknown[] = [];
  const stopA = onServed((c) => a.push(c));
  const stopB = onServed((c) => b.push(c));
  emitServed({ "pod-a": 1 });
  stopA();
  emitServed({ "pod-b": 2 });
  stopB();
  emitServed({ "pod-c": 3 });
  assert.deepEqual(a, [{ "pod-a": 1 }]);
  assert.deepEqual(b, [{ "pod-a": 1 }, { "pod-b": 2 }]);
});

Deno.test("onBackendOutcome() hears each outcome once and nothing after it stops", () => {
  const seen: boolean[] = [];
  const stop = onBackendOutcome((ok) => seen.push(ok));
  emitBackendOutcome(false);
  emitBackendOutcome(true);
  stop();
  emitBackendOutcome(false);
  assert.deepEqual(seen, [false, true]);
});

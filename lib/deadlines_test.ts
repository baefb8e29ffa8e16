import assert from "node:assert/strict";
import { Deadlines } from "./deadlines.ts";

/** Resolve once `check()` holds; fail after `ms`. */
async function waitFor(check: () => boolean, ms = 5_000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error("Condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

Deno.test("Deadlines.schedule() fires the callback once its time has passed", async () => {
  const deadlines = new Deadlines();
  const start = performance.now();
  let firedAt = 0;
  deadlines.schedule(20, () => (firedAt = performance.now()));
  await waitFor(() => firedAt > 0);
  assert.ok(firedAt - start >= 19, `fired after ${firedAt - start} ms`);
  assert.equal(deadlines.size, 0);
});

Deno.test("Deadlines.cancel() keeps a callback from firing", async () => {
  const deadlines = new Deadlines();
  let cancelledFired = false;
  let laterFired = false;
  const d = deadlines.schedule(10, () => (cancelledFired = true));
  deadlines.cancel(d);
  deadlines.cancel(d);
  deadlines.schedule(30, () => (laterFired = true));
  // Once the later one has fired, the earlier one had its chance too.
  await waitFor(() => laterFired);
  assert.equal(cancelledFired, false);
});

Deno.test("Deadlines fire in time order whatever order they were scheduled in", async () => {
  const deadlines = new Deadlines();
  const order: string[] = [];
  deadlines.schedule(60, () => order.push("late"));
  deadlines.schedule(10, () => order.push("early"));
  deadlines.schedule(30, () => order.push("middle"));
  await waitFor(() => order.length === 3);
  assert.deepEqual(order, ["early", "middle", "late"]);
});

Deno.test("Deadlines scheduled after the timer ran dry are armed again", async () => {
  const deadlines = new Deadlines();
  let fired = 0;
  deadlines.schedule(5, () => fired++);
  await waitFor(() => fired === 1);
  deadlines.cancel(deadlines.schedule(5, () => fired++));
  deadlines.schedule(5, () => fired++);
  await waitFor(() => fired === 2);
  assert.equal(deadlines.size, 0);
});

Deno.test("Deadlines with nothing pending leave no timer that holds a test open", () => {
  // The test sanitizer fails this test if the armed (10 s) timer kept the event loop alive.
  const deadlines = new Deadlines();
  deadlines.cancel(deadlines.schedule(10_000, () => {}));
  assert.equal(deadlines.size, 0);
});

import assert from "node:assert/strict";
import { waitFor } from "./poll.ts";

Deno.test("waitFor() returns the first defined value, retrying probes that throw", async () => {
  let calls = 0;
  const value = await waitFor(() => {
    calls++;
    if (calls === 1) throw new Error("not up yet");
    return calls < 3 ? undefined : calls;
  }, { what: "three calls", intervalMs: 1 });
  assert.equal(value, 3);
  assert.equal(calls, 3);
});

Deno.test("waitFor() throws naming the condition when the deadline passes", async () => {
  await assert.rejects(
    () => waitFor(() => undefined, { what: "a miracle", timeoutMs: 30, intervalMs: 5 }),
    /Timed out after 30 ms waiting for a miracle/,
  );
});

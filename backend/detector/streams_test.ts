import assert from "node:assert/strict";
import { previousInStream } from "./streams.ts";

Deno.test("previousInStream() links each row to the same meter's previous row", () => {
  assert.deepEqual([...previousInStream(["a", "b", "a", undefined, "b", undefined], 6)], [
    -1,
    -1,
    0,
    -1,
    1,
    3,
  ]);
});

Deno.test("previousInStream() treats rows without keys as one stream", () => {
  assert.deepEqual([...previousInStream(null, 3)], [-1, 0, 1]);
  assert.throws(() => previousInStream(["a"], 2), /must number the rows \(2\), got 1/);
});

import assert from "node:assert/strict";
import { assertJsonSafe, serializeForScript } from "./props.ts";

Deno.test("serializeForScript() escapes every character that could end the script or the line, and round-trips", () => {
  const value = {
    a: "</script><!--",
    b: "x & y > z",
    c: "line\u2028separator\u2029",
    d: [1, null],
  };
  const json = serializeForScript(value);
  assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
  assert.match(json, /\\u003c\/script\\u003e\\u003c!--/);
  assert.deepEqual(JSON.parse(json), value);
});

Deno.test("assertJsonSafe() accepts shared (not circular) objects and skips undefined fields", () => {
  const shared = { limit: 50 };
  assertJsonSafe({ live: shared, burst: shared, list: [shared, shared], missing: undefined });
  assertJsonSafe(Object.assign(Object.create(null), { bare: true }));
  const cyclic: Record<string, unknown> = {};
  cyclic.self = { back: cyclic };
  assert.throws(() => assertJsonSafe(cyclic), /props\.self\.back is a circular reference/);
  assert.throws(() => assertJsonSafe([1, 2n]), /props\[1\] must be plain JSON data, got a bigint/);
});

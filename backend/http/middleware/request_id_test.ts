import assert from "node:assert/strict";
import { chooseRequestId } from "./request_id.ts";

Deno.test("chooseRequestId() keeps a sane incoming id and replaces anything else", () => {
  assert.equal(chooseRequestId("abc-123_X.y"), "abc-123_X.y");
  for (const bad of [undefined, null, "", "a b", "x".repeat(65), "id\r\nset-cookie: 1"]) {
    const id = chooseRequestId(bad);
    assert.match(id, /^[0-9a-f-]{36}$/, `for ${JSON.stringify(bad)}`);
  }
});

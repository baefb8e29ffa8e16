import assert from "node:assert/strict";
import { checkBearer, matchBearer } from "./admin_auth.ts";

Deno.test("checkBearer() is disabled without a configured token, whatever the header", () => {
  assert.equal(checkBearer("Bearer x", null), "disabled");
  assert.equal(checkBearer(undefined, ""), "disabled");
});

Deno.test("checkBearer() accepts exactly the token, case-insensitive scheme", () => {
  assert.equal(checkBearer("Bearer s3cret", "s3cret"), "ok");
  assert.equal(checkBearer("bearer s3cret", "s3cret"), "ok");
  assert.equal(checkBearer("Bearer s3cret2", "s3cret"), "wrong");
  assert.equal(checkBearer("Bearer s3cre", "s3cret"), "wrong");
});

Deno.test("checkBearer() calls malformed or absent credentials missing", () => {
  for (const h of [undefined, "", "Basic czNjcmV0", "Bearer", "Bearer a b", "s3cret"]) {
    assert.equal(checkBearer(h, "s3cret"), "missing", String(h));
  }
});

Deno.test("matchBearer() names the token that matched, and none for a wrong one", () => {
  const tokens = [{ name: "alice", token: "alice-secret" }, { name: "bob", token: "bob-secret" }];
  assert.deepEqual(matchBearer("Bearer bob-secret", tokens), { result: "ok", name: "bob" });
  assert.deepEqual(matchBearer("Bearer alice-secret", tokens), { result: "ok", name: "alice" });
  assert.deepEqual(matchBearer("Bearer carol", tokens), { result: "wrong", name: null });
  assert.deepEqual(matchBearer(undefined, tokens), { result: "missing", name: null });
  assert.deepEqual(matchBearer("Bearer x", []), { result: "disabled", name: null });
});

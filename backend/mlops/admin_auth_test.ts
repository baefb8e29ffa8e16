import assert from "node:assert/strict";
import { checkBearer } from "./admin_auth.ts";

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

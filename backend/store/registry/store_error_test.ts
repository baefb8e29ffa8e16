import assert from "node:assert/strict";
import { guardStore, storeError, StoreUnavailableError } from "./store_error.ts";

function osError(code: string): Error {
  return Object.assign(new Error(`${code} (os error): /abs/path/file`), { code });
}

Deno.test("storeError() names the store's state and never the OS message or path", () => {
  const cases: [string, string, RegExp][] = [
    ["ENOSPC", "full", /^The model store is full: cannot write x; free space/],
    ["EDQUOT", "full", /full/],
    ["EROFS", "read-only", /^The model store is read-only \(EROFS\): cannot write x/],
    ["EACCES", "read-only", /read-only \(EACCES\)/],
    ["EIO", "failing", /^The model store is failing \(EIO\)/],
  ];
  for (const [code, state, message] of cases) {
    const err = storeError(osError(code), "write x");
    assert.ok(err instanceof StoreUnavailableError, code);
    assert.equal(err.state, state);
    assert.match(err.message, message);
    assert.ok(!err.message.includes("/abs/path"));
    assert.ok(err.retryAfterSeconds >= 1);
  }
});

Deno.test("storeError() leaves other errors as they are", () => {
  const notFound = new Deno.errors.NotFound("x");
  assert.equal(storeError(notFound, "read"), notFound);
  const bug = new TypeError("bug");
  assert.equal(storeError(bug, "read"), bug);
});

Deno.test("guardStore() turns a full disk into StoreUnavailableError", async () => {
  await assert.rejects(
    guardStore("write y", () => Promise.reject(osError("ENOSPC"))),
    (err) => err instanceof StoreUnavailableError && err.state === "full",
  );
  assert.equal(await guardStore("read", () => Promise.resolve(3)), 3);
});

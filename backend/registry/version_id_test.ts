import assert from "node:assert/strict";
import { isFullVersion, shortVersion, versionHex, versionPrefix } from "./version_id.ts";

const FULL = `sha256:${"ab".repeat(32)}`;

Deno.test("versionPrefix() accepts short and full forms with or without sha256:", () => {
  assert.equal(versionPrefix("sha256:abababababab"), "abababababab");
  assert.equal(versionPrefix("abababababab"), "abababababab");
  assert.equal(versionPrefix(FULL), "ab".repeat(32));
});

Deno.test("versionPrefix() rejects short, non-hex, uppercase and non-string values", () => {
  for (const bad of ["sha256:abc", "zzzzzzzzzzzzzz", "ABABABABABAB", "", `${FULL}00`]) {
    assert.throws(() => versionPrefix(bad), TypeError);
  }
  assert.throws(() => versionPrefix(42), /version must be a string, got 42/);
  assert.throws(() => versionPrefix(undefined), /got undefined/);
});

Deno.test("versionHex() and shortVersion() split a full version", () => {
  assert.ok(isFullVersion(FULL));
  assert.equal(versionHex(FULL), "ab".repeat(32));
  assert.equal(shortVersion(FULL), "sha256:abababababab");
  assert.throws(() => versionHex("sha256:abc"), /64 hex digits, got "sha256:abc"/);
});

import assert from "node:assert/strict";
import { sha256Hex } from "./_sha256.ts";

async function subtleHex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("sha256Hex() matches the FIPS 180-4 test vectors", () => {
  assert.equal(
    sha256Hex(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("sha256Hex() agrees with crypto.subtle at every padding boundary", async () => {
  for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 100_003]) {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) & 0xff;
    assert.equal(sha256Hex(bytes), await subtleHex(bytes), `length ${length}`);
  }
  const text = "Spannung 230 V ±10 % — ⚡";
  assert.equal(sha256Hex(text), await subtleHex(new TextEncoder().encode(text)));
});

Deno.test("sha256Hex() agrees with crypto.subtle on random bytes of every length up to 200", async () => {
  // Every length crosses the 55/56-byte padding split and the 64-byte block edge at least once;
  // the bytes are random each run, and a failure names the input to reproduce it.
  for (let length = 0; length <= 200; length++) {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    assert.equal(
      sha256Hex(bytes),
      await subtleHex(bytes),
      `length ${length}, bytes ${[...bytes].join(",")}`,
    );
  }
  // getRandomValues fills at most 65,536 bytes at a time.
  for (const length of [4095, 4096, 4097, 65_536]) {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    assert.equal(sha256Hex(bytes), await subtleHex(bytes), `length ${length}`);
  }
});

Deno.test("sha256Hex() of a random string hashes its UTF-8 bytes", async () => {
  for (let n = 0; n < 50; n++) {
    // Code points from 1- to 4-byte UTF-8, so the byte length differs from the string length.
    const points = Array.from(
      crypto.getRandomValues(new Uint32Array(n)),
      (v) => [0x41, 0xe9, 0x20ac, 0x1f50c][v % 4] + (v >>> 2) % 16,
    );
    const text = String.fromCodePoint(...points);
    const expected = await subtleHex(new TextEncoder().encode(text));
    assert.equal(sha256Hex(text), expected, JSON.stringify(text));
  }
});

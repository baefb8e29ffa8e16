import assert from "node:assert/strict";
import { BodyReadError, readBoundedBody, readFramedBody } from "./_bounded_body.ts";

function stream(chunks: Uint8Array[], opts: { hang?: boolean } = {}): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      if (!opts.hang) controller.close();
    },
  });
}

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("readBoundedBody() joins chunks into one buffer no larger than twice the bytes", async () => {
  // Like Deno's request bodies: each one-byte chunk is a view on its own 64 KiB buffer.
  const chunks = Array.from({ length: 2_000 }, () => {
    const view = new Uint8Array(64 * 1024).subarray(0, 1);
    view[0] = 0x61;
    return view;
  });
  const out = await readBoundedBody(stream(chunks), { maxBytes: 10_000, timeoutMs: 5_000 });
  assert.equal(out.length, 2_000);
  assert.ok(out.every((b) => b === 0x61));
  assert.ok(out.buffer.byteLength <= 2 * 2_000 + 16 * 1024, `buffer ${out.buffer.byteLength}`);
});

Deno.test("readBoundedBody() fails with too-large one byte past the limit", async () => {
  const ok = await readBoundedBody(stream([bytes("12345"), bytes("67890")]), {
    maxBytes: 10,
    timeoutMs: 1_000,
  });
  assert.equal(new TextDecoder().decode(ok), "1234567890");
  await assert.rejects(
    readBoundedBody(stream([bytes("12345"), bytes("678901")]), { maxBytes: 10, timeoutMs: 1_000 }),
    (err: unknown) => err instanceof BodyReadError && err.kind === "too-large",
  );
});

Deno.test("readBoundedBody() rejects a declared length over the limit before reading", async () => {
  let pulled = false;
  const body = new ReadableStream<Uint8Array>({
    pull() {
      pulled = true;
    },
  }, { highWaterMark: 0 });
  await assert.rejects(
    readBoundedBody(body, { maxBytes: 10, timeoutMs: 1_000, declaredLength: 11 }),
    (err: unknown) => err instanceof BodyReadError && err.kind === "too-large",
  );
  assert.equal(pulled, false);
});

Deno.test("readBoundedBody() fails with timeout when the body stalls", async () => {
  await assert.rejects(
    readBoundedBody(stream([bytes("{")], { hang: true }), { maxBytes: 100, timeoutMs: 50 }),
    (err: unknown) => err instanceof BodyReadError && err.kind === "timeout",
  );
});

Deno.test("readBoundedBody() reports a broken stream as unreadable", async () => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes("{"));
      controller.error(new Error("connection reset"));
    },
  });
  await assert.rejects(
    readBoundedBody(body, { maxBytes: 100, timeoutMs: 1_000 }),
    (err: unknown) => err instanceof BodyReadError && err.kind === "unreadable",
  );
});

Deno.test("readBoundedBody() returns an empty buffer for no body", async () => {
  assert.equal((await readBoundedBody(null, { maxBytes: 10, timeoutMs: 10 })).length, 0);
});

Deno.test("readBoundedBody() asks admit() before each allocation and fails with over-budget when refused", async () => {
  const asked: number[] = [];
  const chunks = Array.from({ length: 10 }, () => new Uint8Array(10_000));
  const out = await readBoundedBody(stream(chunks), {
    maxBytes: 1_000_000,
    timeoutMs: 1_000,
    admit: (total) => (asked.push(total), true),
  });
  assert.equal(out.length, 100_000);
  // Every allocation past the first 16 KiB was admitted first, doubling: 32 KiB, 64 KiB, 128 KiB.
  assert.deepEqual(asked, [32_768, 65_536, 131_072]);
  await assert.rejects(
    readBoundedBody(stream(chunks), {
      maxBytes: 1_000_000,
      timeoutMs: 1_000,
      admit: (total) => total <= 50_000,
    }),
    (err: unknown) => err instanceof BodyReadError && err.kind === "over-budget",
  );
});

Deno.test("readFramedBody() returns the bytes of one read and asks admit() for the declared length", async () => {
  const asked: number[] = [];
  const out = await readFramedBody(() => Promise.resolve(bytes('{"a":1}')), {
    maxBytes: 100,
    timeoutMs: 5_000,
    declaredLength: 7,
    admit: (n) => (asked.push(n), true),
  });
  assert.equal(new TextDecoder().decode(out), '{"a":1}');
  assert.deepEqual(asked, [7]);
});

Deno.test("readFramedBody() fails with over-budget, too-large and unreadable", async () => {
  const kind = (kind: string) => (err: unknown) =>
    err instanceof BodyReadError && err.kind === kind;
  let reads = 0;
  const read = () => (reads++, Promise.resolve(bytes("12345")));
  const options = { maxBytes: 4, timeoutMs: 5_000, declaredLength: 3 };
  await assert.rejects(
    readFramedBody(read, { ...options, admit: () => false }),
    kind("over-budget"),
  );
  await assert.rejects(readFramedBody(read, { ...options, declaredLength: 5 }), kind("too-large"));
  assert.equal(reads, 0, "refused before reading");
  // A body made in-process need not match its declared length; the limit still holds.
  await assert.rejects(readFramedBody(read, options), kind("too-large"));
  await assert.rejects(
    readFramedBody(() => Promise.reject(new Error("connection reset")), options),
    kind("unreadable"),
  );
});

Deno.test("readFramedBody() times out and hands over the read still receiving", async () => {
  let finish!: (bytes: Uint8Array) => void;
  const abandoned: Promise<unknown>[] = [];
  await assert.rejects(
    readFramedBody(() => new Promise((r) => (finish = r)), {
      maxBytes: 100,
      timeoutMs: 30,
      declaredLength: 3,
      onAbandoned: (p) => abandoned.push(p),
    }),
    (err: unknown) => err instanceof BodyReadError && err.kind === "timeout",
  );
  assert.equal(abandoned.length, 1);
  let settled = false;
  abandoned[0].then(() => (settled = true));
  await Promise.resolve();
  assert.equal(settled, false);
  finish(bytes("abc"));
  await abandoned[0];
  assert.equal(settled, true);
});

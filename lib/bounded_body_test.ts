import assert from "node:assert/strict";
import { BodyReadError, readBoundedBody } from "./bounded_body.ts";

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

/** A byte stream (as Deno's request bodies are) that yields `count` one-byte chunks, each at once. */
function oneByteStream(count: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      if (sent++ === count) {
        controller.close();
        return controller.byobRequest?.respond(0);
      }
      const view = controller.byobRequest?.view;
      if (view) {
        new Uint8Array(view.buffer, view.byteOffset, 1)[0] = 0x20;
        controller.byobRequest.respond(1);
      } else controller.enqueue(new Uint8Array([0x20]));
    },
  });
}

Deno.test("readBoundedBody() reads a byte stream into its own buffer", async () => {
  const out = await readBoundedBody(oneByteStream(50_000), { maxBytes: 100_000, timeoutMs: 5_000 });
  assert.equal(out.length, 50_000);
  assert.ok(out.every((b) => b === 0x20));
  assert.ok(out.buffer.byteLength <= 2 * 50_000 + 1024, `buffer ${out.buffer.byteLength}`);
});

Deno.test("readBoundedBody() gives timers and I/O turns while chunks keep coming at once, and ends at the deadline", async () => {
  // Every read resolves in a microtask: without turns no timer, the deadline's included, runs.
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  try {
    await assert.rejects(
      readBoundedBody(oneByteStream(Infinity), { maxBytes: 1_000_000, timeoutMs: 100 }),
      (err: unknown) => err instanceof BodyReadError && err.kind === "timeout",
    );
  } finally {
    clearInterval(ticker);
  }
  assert.ok(ticks > 0, "no timer ran while the body was read");
});

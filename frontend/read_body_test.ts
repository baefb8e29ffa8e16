import assert from "node:assert/strict";
import { UiError } from "./problem.ts";
import { readBody } from "./read_body.ts";
import { startFakeBackend } from "./tests/_fake_backend.ts";
import { openRaw } from "./tests/_raw_client.ts";
import { MiB, startUi } from "./tests/_stack.ts";
import { processMemory } from "../testing/raw_socket.ts";

const limits = { maxBytes: 1_000, timeoutMs: 2_000, limitName: "TEST_LIMIT" };

function streamOf(parts: string[], then?: "error" | "hang"): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(new TextEncoder().encode(p));
      if (then === "error") c.error(new Error("connection reset"));
      else if (then !== "hang") c.close();
    },
  });
}

async function rejects(promise: Promise<unknown>, status: number, detail: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof UiError);
    assert.equal(err.status, status);
    assert.match(err.message, detail);
    return true;
  });
}

Deno.test("readBody() joins chunks into exactly the bytes sent", async () => {
  const req = new Request("http://ui/x", { method: "POST", body: streamOf(["ab", "", "c", "de"]) });
  assert.equal(new TextDecoder().decode(await readBody(req, limits)), "abcde");
  const plain = new Request("http://ui/x", { method: "POST", body: "x".repeat(1_000) });
  assert.equal((await readBody(plain, limits)).byteLength, 1_000);
  assert.equal((await readBody(new Request("http://ui/x"), limits)).byteLength, 0);
});

Deno.test("readBody() answers 413 naming the limit for a declared or a streamed body past it", async () => {
  const declared = new Request("http://ui/x", { method: "POST", body: "x".repeat(1_001) });
  await rejects(readBody(declared, limits), 413, /exceeds the limit of 1000 bytes \(TEST_LIMIT\)/);
  const streamed = new Request("http://ui/x", {
    method: "POST",
    body: streamOf(Array.from({ length: 11 }, () => "y".repeat(100))),
  });
  await rejects(readBody(streamed, limits), 413, /1000 bytes/);
});

Deno.test("readBody() answers 408 when the body does not arrive in time, 400 when it breaks", async () => {
  const slow = new Request("http://ui/x", { method: "POST", body: streamOf(["{"], "hang") });
  await rejects(readBody(slow, { ...limits, timeoutMs: 50 }), 408, /not received within 50 ms/);
  const broken = new Request("http://ui/x", { method: "POST", body: streamOf(["{"], "error") });
  await rejects(readBody(broken, limits), 400, /could not be read/);
});

Deno.test("readBody() keeps memory bounded by bytes when /api/predict gets 20,000 one-byte chunks", async (t) => {
  if (processMemory(Deno.pid) === null) {
    await t.step("skipped: peak RSS is read from /proc (Linux only)", () => {});
    return;
  }
  const backend = startFakeBackend();
  // The real UI process, measured through /proc: parallel tests share this process's RSS.
  const ui = await startUi({ BACKEND_URL: backend.url });
  try {
    const json = JSON.stringify({ readings: [{ voltage: 230, current: 10, frequency: 50 }] });
    const body = json + " ".repeat(20_000 - json.length);
    const warm = await fetch(`${ui.url}/api/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: json,
    });
    assert.equal(warm.status, 200);
    await warm.body?.cancel();
    const before = processMemory(ui.pid)!.rss / MiB;
    const req = await openRaw(ui.port, "POST", "/api/predict", {
      "content-type": "application/json",
      "transfer-encoding": "chunked",
    });
    for (let i = 0; i < body.length; i++) await req.chunk(body[i]);
    await req.chunk("");
    const answer = await req.answer();
    const peak = processMemory(ui.pid)!.peak / MiB;
    assert.equal(answer.status, 200, answer.body);
    assert.equal(JSON.parse(answer.body).total, 1);
    assert.equal(backend.seen.at(-1)?.body, body);
    // Keeping every chunk held 64 KiB per byte: 100 to 500 MB per 10,000 chunks measured.
    const growthMb = peak - before;
    assert.ok(growthMb < 64, `RSS grew by ${growthMb.toFixed(0)} MB for a 20 KB body`);
  } finally {
    await ui.stop();
    await backend.close();
  }
});

Deno.test("readBody() reads large and mixed chunks from a real socket exactly, and 413 past the limit", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    try {
      const bytes = await readBody(req, { ...limits, maxBytes: 100_000 });
      return new Response(String(bytes.reduce((a, b) => a + b, 0)));
    } catch (err) {
      return (err as UiError).toResponse();
    }
  });
  try {
    const declared = await openRaw(server.addr.port, "POST", "/", { "content-length": "99999" });
    await declared.write("a".repeat(99_999));
    assert.equal((await declared.answer()).body, String(97 * 99_999));
    const chunked = await openRaw(server.addr.port, "POST", "/", {
      "transfer-encoding": "chunked",
    });
    for (const size of [3, 70_000, 1, 5_000, 24_996]) await chunked.chunk("b".repeat(size));
    await chunked.chunk("");
    assert.equal((await chunked.answer()).body, String(98 * 100_000));
    const over = await openRaw(server.addr.port, "POST", "/", { "transfer-encoding": "chunked" });
    for (const size of [70_000, 30_001]) await over.chunk("c".repeat(size));
    await over.chunk("");
    const answer = await over.answer();
    assert.equal(answer.status, 413);
    assert.match(JSON.parse(answer.body).detail, /100000 bytes \(TEST_LIMIT\)/);
  } finally {
    await server.shutdown();
  }
});

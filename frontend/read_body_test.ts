import assert from "node:assert/strict";
import { UiError } from "./problem.ts";
import { readBody } from "./read_body.ts";
import { openRaw } from "./tests/_raw_client.ts";

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

Deno.test("readBody() keeps memory bounded by bytes when /api/predict gets 20,000 one-byte chunks", async () => {
  // In its own process, so the RSS is this scenario's alone (see the script).
  const script = new URL("./tests/_read_body_memory.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const result = JSON.parse(lines[lines.length - 1]);
  assert.equal(result.status, 200, result.body);
  assert.equal(JSON.parse(result.body).total, 1);
  assert.ok(result.backendSawBody, "the backend did not get the body exactly");
  // Keeping every chunk held 64 KiB per byte: 100 to 500 MB per 10,000 chunks measured.
  const growthMb: number = result.growthMb;
  assert.ok(growthMb < 64, `RSS grew by ${growthMb.toFixed(0)} MB for a 20 KB body`);
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

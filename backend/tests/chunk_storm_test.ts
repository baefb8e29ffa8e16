/**
 * Issue 10, item 1: a chunked body of one-byte chunks must cost memory by its
 * bytes, not by its chunk count (each chunk arrives as a view on its own
 * 64 KiB buffer). Raw TCP, so the chunks reach the server exactly as sent.
 */
import assert from "node:assert/strict";
import { startBackend } from "../../testing/backend_process.ts";
import { oneByteChunks, processMemory, rawExchange } from "../../testing/raw_socket.ts";

const READING = '{"readings":[{"voltage":230.1,"current":10.2,"frequency":50.01}]}';
const MiB = 1024 * 1024;

Deno.test({
  name: "POST /predict with 20,000 one-byte chunks is scored and grows peak RSS by under 150 MiB",
  ignore: processMemory(Deno.pid) === null,
  async fn() {
    const backend = await startBackend();
    try {
      const head = new TextEncoder().encode(
        "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
      );
      // Warm up the path first, so the baseline includes the code and buffers of a normal request.
      const small = await rawExchange(
        backend.port,
        concat(head, oneByteChunks(20_000, " ", READING)),
      );
      assert.equal(small.status, 200, small.body);
      // Growth of the peak over the resident memory now: a request can only have raised it.
      const before = processMemory(backend.pid)!.rss;
      // 20,000 chunks is 120 KB on the wire, well under MAX_BODY_BYTES; kept chunks would pin 1.25 GiB.
      const storm = await rawExchange(
        backend.port,
        concat(head, oneByteChunks(20_000, " ", READING)),
      );
      assert.equal(storm.status, 200, storm.body);
      assert.equal(JSON.parse(storm.body).total, 1);
      const growth = processMemory(backend.pid)!.peak - before;
      assert.ok(growth < 150 * MiB, `peak RSS grew by ${(growth / MiB).toFixed(0)} MiB`);
    } finally {
      await backend.stop();
    }
  },
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

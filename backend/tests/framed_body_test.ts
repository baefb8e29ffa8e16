/**
 * Bodies with a Content-Length are read in one piece (`readFramedBody`).
 * Over a real connection: keep-alive still works after them; one that
 * stalls gets 408 with `Connection: close`, and its bytes stay in
 * `body_bytes_in_flight` (the budget) until the client goes away.
 */
import assert from "node:assert/strict";
import { testApp } from "./_app.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Read from `conn` until `done(text)` holds or the peer closes. */
async function readUntil(conn: Deno.Conn, done: (text: string) => boolean): Promise<string> {
  const buf = new Uint8Array(64 * 1024);
  let text = "";
  while (!done(text)) {
    const n = await conn.read(buf);
    if (n === null) break;
    text += dec.decode(buf.subarray(0, n));
  }
  return text;
}

/** Poll `check` every 10 ms until it holds; fail after `ms`. */
async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error("Condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("two framed /predict bodies on one keep-alive connection are both answered", async () => {
  const { app } = testApp();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  try {
    const body = JSON.stringify({ readings: [{ voltage: 230, current: 10, frequency: 50 }] });
    const request = `POST /predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
      `content-length: ${enc.encode(body).length}\r\n\r\n${body}`;
    await conn.write(enc.encode(request + request));
    const text = await readUntil(conn, (t) => (t.match(/"served_by"/g) ?? []).length === 2);
    assert.equal(text.match(/HTTP\/1\.1 200/g)?.length, 2, text);
  } finally {
    conn.close();
    await server.shutdown();
  }
});

Deno.test("a stalled framed body gets 408 + Connection: close and keeps its budget bytes until the client leaves", async () => {
  const { app, metrics } = testApp({ env: { BODY_TIMEOUT_MS: "100" } });
  const inFlight = async () =>
    Number(/^body_bytes_in_flight (\S+)$/m.exec(await metrics.registry.metrics())?.[1]);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  try {
    await conn.write(enc.encode(
      `POST /predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
        `content-length: 1000\r\n\r\n{"readings":[`,
    ));
    const text = await readUntil(conn, (t) => t.includes("\r\n\r\n") && t.endsWith("}"));
    assert.match(text, /^HTTP\/1\.1 408/);
    assert.match(text, /\r\nconnection: close\r\n/i);
    // The read is still receiving into memory: its 1000 bytes stay reserved.
    assert.equal(await inFlight(), 1000);
  } finally {
    conn.close();
  }
  await waitFor(async () => (await inFlight()) === 0);
  await server.shutdown();
});

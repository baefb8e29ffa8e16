/**
 * Issue 10, item 2: made-up HTTP methods must not create metric series. The
 * methods go over raw TCP, since HTTP allows any token as a method.
 */
import assert from "node:assert/strict";
import { startBackend } from "../../testing/backend_process.ts";
import { readResponse, writeAll } from "../../testing/raw_socket.ts";

function randomMethod(): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return [...bytes].map((b) => letters[b % letters.length]).join("");
}

Deno.test("500 random methods leave requests_total and request_latency_seconds with a handful of series", async () => {
  const backend = await startBackend();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: backend.port });
  try {
    const statuses = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const path = ["/predict", "/health", `/nope-${i}`][i % 3];
      await writeAll(
        conn,
        new TextEncoder().encode(`${randomMethod()} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`),
      );
      const res = await readResponse(conn);
      statuses.add(res.status);
      // Not echoed at length: the message quotes at most 40 characters of the method.
      assert.ok(res.body.length < 1_000);
    }
    assert.deepEqual([...statuses].sort(), [404, 405]);
    const text = await (await fetch(`${backend.url}/metrics`)).text();
    const series = (name: string) => text.split("\n").filter((l) => l.startsWith(`${name}{`));
    const requests = series("requests_total");
    assert.ok(requests.length <= 10, `requests_total has ${requests.length} series`);
    assert.ok(
      requests.some((l) =>
        l.startsWith('requests_total{path="/predict",method="other",status="405"}')
      ),
      requests.join("\n"),
    );
    const buckets = series("request_latency_seconds_count");
    assert.ok(buckets.length <= 10, `request_latency_seconds has ${buckets.length} series`);
  } finally {
    conn.close();
    await backend.stop();
  }
});

/**
 * Issue 10, item 6: SIGTERM under load loses no request, with one worker and
 * with two. A raw-TCP client posts continuously over keep-alive and new
 * connections before and during the drain, and counts every request whose
 * bytes were all written: each must get a complete response.
 *
 * The client behaves as traffic through a Kubernetes Service does: once the
 * pod's readiness has been 503 for a while (endpoint propagation), no new
 * connection reaches it, while connections already open keep sending until
 * the server answers `Connection: close`.
 *
 * A client that ignores readiness (a batch job posting straight to the pod)
 * is served until it stops: the listener closes only after 100 ms without a
 * new request. Before, every client that was opening a connection when the
 * listener closed lost that request.
 */
import assert from "node:assert/strict";
import { startBackend } from "../../testing/backend_process.ts";
import { steadyClient } from "../../testing/steady_client.ts";

const BODY = JSON.stringify({ readings: [{ voltage: 230.1, current: 10.2, frequency: 50.01 }] });
const REQUEST = new TextEncoder().encode(
  "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
    `Content-Length: ${BODY.length}\r\n\r\n${BODY}`,
);

for (const workers of ["1", "2"]) {
  Deno.test(`SIGTERM under continuous load with WORKERS=${workers} answers every sent request`, async () => {
    const backend = await startBackend({
      env: { WORKERS: workers, DRAIN_DELAY_S: "2", SHUTDOWN_DEADLINE_S: "10" },
    });
    const client = steadyClient({ port: backend.port, loops: 16, request: REQUEST });
    try {
      while (client.sent() < 300) await new Promise((r) => setTimeout(r, 10));
      const atSignal = client.sent();
      Deno.kill(backend.pid, "SIGTERM");
      while (true) {
        const res = await fetch(`${backend.url}/ready`);
        await res.body?.cancel();
        if (res.status === 503) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // Endpoint propagation takes a moment: new connections still arrive meanwhile.
      await new Promise((r) => setTimeout(r, 500));
      const beforeRemoval = client.sent();
      client.stopNewConnections();
      const status = await backend.status;
      assert.equal(status.code, 0, backend.logs().slice(-5).join("\n"));
      const report = await client.stop();
      assert.deepEqual(
        report.lost,
        [],
        `lost ${report.lost.length} of ${report.sent}: ${JSON.stringify(report.lost.slice(0, 3))}`,
      );
      assert.equal(report.answered, report.sent);
      assert.ok(beforeRemoval > atSignal + 16, "too few requests were sent while draining");
      assert.deepEqual(Object.keys(report.statuses), ["200"]);
    } finally {
      await client.stop();
      await backend.stop();
    }
  });
}

for (const workers of ["1", "2"]) {
  Deno.test(`SIGTERM with WORKERS=${workers} serves a client that ignores readiness until it stops`, async () => {
    // The listener closes after SHUTDOWN_QUIET_MS without a new request; a CPU-starved test
    // machine can pause all 16 client loops for longer than the default 100 ms.
    const backend = await startBackend({
      env: {
        WORKERS: workers,
        DRAIN_DELAY_S: "1",
        SHUTDOWN_DEADLINE_S: "10",
        SHUTDOWN_QUIET_MS: "1000",
      },
    });
    // A batch job that never looks at /ready: it keeps opening connections past the drain delay.
    const client = steadyClient({ port: backend.port, loops: 16, request: REQUEST });
    try {
      while (client.sent() < 300) await new Promise((r) => setTimeout(r, 10));
      Deno.kill(backend.pid, "SIGTERM");
      await new Promise((r) => setTimeout(r, 1_500));
      const report = await client.stop();
      assert.equal((await backend.status).code, 0, backend.logs().slice(-5).join("\n"));
      assert.deepEqual(
        report.lost,
        [],
        `lost ${report.lost.length} of ${report.sent}: ${JSON.stringify(report.lost.slice(0, 3))}`,
      );
      assert.equal(report.refused, 0);
      assert.deepEqual(Object.keys(report.statuses), ["200"]);
    } finally {
      await client.stop();
      await backend.stop();
    }
  });
}

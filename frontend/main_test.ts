import assert from "node:assert/strict";
import { waitFor } from "../testing/poll.ts";
import { startFakeBackend } from "./tests/_fake_backend.ts";
import { openRaw, type RawRequest } from "./tests/_raw_client.ts";
import { startUi } from "./tests/_stack.ts";

const until = (what: string, check: () => Promise<boolean>) =>
  waitFor(async () => (await check()) || undefined, { what, timeoutMs: 15_000, intervalMs: 25 });

async function refused(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.body?.cancel();
    return false;
  } catch {
    return true;
  }
}

const BODY = JSON.stringify({ readings: [{ voltage: 260, current: 10, frequency: 50 }] });

Deno.test("main.ts on SIGTERM drains: /health 503, then every request in flight completes and it exits 0", async () => {
  const backend = startFakeBackend({ delayMs: 400 });
  const ui = await startUi({
    BACKEND_URL: backend.url,
    DRAIN_DELAY_S: "1",
    SHUTDOWN_DEADLINE_S: "20",
    BODY_TIMEOUT_MS: "10000",
    UPSTREAM_TIMEOUT_MS: "5000",
  });
  const uploads: RawRequest[] = [];
  try {
    // Whole requests waiting on the slow backend...
    const posts = Array.from({ length: 6 }, () =>
      fetch(`${ui.url}/api/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: BODY,
      }).then(async (res) => ({ status: res.status, body: await res.text() })));
    // ...and uploads that have sent half their body.
    for (let i = 0; i < 4; i++) {
      const req = await openRaw(ui.port, "POST", "/api/predict", {
        "content-type": "application/json",
        "content-length": String(BODY.length),
      });
      await req.write(BODY.slice(0, 20));
      uploads.push(req);
    }
    await until(
      "the backend to hold six requests",
      () => Promise.resolve(backend.maxInflight() >= 6),
    );
    Deno.kill(ui.pid, "SIGTERM");
    await until("/health to report draining", async () => {
      const res = await fetch(`${ui.url}/health`);
      await res.body?.cancel();
      return res.status === 503;
    });
    // After DRAIN_DELAY_S new requests are refused; the half-sent uploads are still in flight.
    await until("new requests to be refused", async () => {
      const res = await fetch(`${ui.url}/api/health`).catch(() => null);
      await res?.body?.cancel();
      return res?.status === 503;
    });
    for (const req of uploads) await req.write(BODY.slice(20));
    const answers = await Promise.all([
      ...posts,
      ...uploads.map(async (req) => await req.answer(15_000)),
    ]);
    assert.deepEqual(answers.map((a) => a.status), Array(10).fill(200));
    for (const a of answers) assert.equal(JSON.parse(a.body).predictions[0].anomaly, true);
    const status = await ui.status;
    assert.equal(status.code, 0, ui.logs().join("\n"));
    const events = ui.logs().filter((l) => l.startsWith("{")).map((l) => JSON.parse(l).event);
    assert.ok(events.includes("shutdown_complete"), events.join(", "));
    assert.equal(backend.seen.filter((s) => s.path === "/predict").length, 10);
    assert.ok(await refused(`${ui.url}/health`), "the listener is closed");
  } finally {
    for (const req of uploads) {
      try {
        req.conn.close();
      } catch {
        // already closed
      }
    }
    await ui.stop("SIGKILL");
    await backend.close();
  }
});

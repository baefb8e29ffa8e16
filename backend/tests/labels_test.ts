/**
 * Labels end to end with the real process: with `WORKERS=2` a label names an
 * id either worker served and either worker takes it (ids carry what was
 * served), posting it five times counts once, and the labels are still there
 * after a restart.
 */
import assert from "node:assert/strict";
import { type BackendProcess, startBackend } from "../../testing/backend_process.ts";
import { waitFor } from "../../testing/poll.ts";

const JSON_HEADERS = { "content-type": "application/json", connection: "close" };

async function post(backend: BackendProcess, path: string, body: unknown) {
  const res = await fetch(`${backend.url}${path}`, {
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

Deno.test({
  name: "labels: WORKERS=2 take ids either worker served, count a repeat once, survive a restart",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "labels-e2e-" });
    const env = { MODEL_DIR: dir, WORKERS: "2", N_ESTIMATORS: "20", TRAINING_SIZE: "2000" };
    let backend = await startBackend({ env, timeoutMs: 120_000 });
    try {
      // A new connection per request: the kernel spreads them over both workers.
      const byWorker = new Map<string, string>();
      await waitFor(async () => {
        const { body } = await post(backend, "/predict", {
          readings: [{ voltage: 275, current: 28, frequency: 50.7 }],
        });
        byWorker.set(body.served_by, body.predictions[0].prediction_id);
        return byWorker.size === 2 ? true : undefined;
      }, { timeoutMs: 30_000, what: "both workers served a request" });
      const labels = [...byWorker.values()].map((id) => ({ prediction_id: id, anomaly: true }));
      const counts = [];
      for (let i = 0; i < 5; i++) {
        const { status, body } = await post(backend, "/feedback", { labels });
        assert.equal(status, 200, JSON.stringify(body));
        counts.push([body.stored, body.unchanged]);
      }
      assert.deepEqual(counts[0], [2, 0]);
      assert.ok(counts.slice(1).every(([s, u]) => s === 0 && u === 2), JSON.stringify(counts));
      const tally = async () => {
        const models = await (await fetch(`${backend.url}/models`)).json();
        return Object.values(models.monitoring.feedback as Record<string, { tp: number }>)
          .reduce((n, t) => n + t.tp, 0);
      };
      assert.equal(await tally(), 2, "five posts of two labels count two");

      await backend.stop();
      backend = await startBackend({ env, timeoutMs: 120_000 });
      assert.equal(await tally(), 2, "the labels survived the restart");
    } finally {
      await backend.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

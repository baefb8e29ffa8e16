import assert from "node:assert/strict";
import { serializeAnyArtifact } from "../detector/mod.ts";
import { waitFor } from "../../testing/poll.ts";
import type { FromWorker, ToWorker } from "./_worker_protocol.ts";
import { fetchFresh, predictFresh, smallModel, testConfig } from "../../testing/process_layer.ts";

/** One worker thread spoken to directly, as the pool would, keeping every message it sends. */
function spawnWorker() {
  const thread = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  const received: FromWorker[] = [];
  thread.onmessage = (event: MessageEvent<FromWorker>) => received.push(event.data);
  const post = (message: ToWorker) => thread.postMessage(message);
  /** The first message of `type` after `from` received (polled). */
  const next = <T extends FromWorker["type"]>(type: T, from = 0) =>
    waitFor(
      () =>
        received.slice(from).find((m): m is Extract<FromWorker, { type: T }> => m.type === type),
      { what: `a "${type}" message` },
    );
  /** Start worker `index`'s instance as the pool does; resolves with its "listening" message. */
  const start = (index: number) => {
    post({
      type: "start",
      config: testConfig({ WORKERS: "2" }),
      index,
      servedBy: `test:1/w${index}`,
      processStartTimeSeconds: 1234.5,
    });
    return next("listening");
  };
  return { thread, received, post, next, start };
}

function modelMessage(seed = 7): ToWorker {
  const model = smallModel(seed);
  return { type: "model", artifact: serializeAnyArtifact(model), source: `test seed ${seed}` };
}

Deno.test('worker.ts serves the first model only on "ready", announcing it once, and later champions at once', async () => {
  const w = spawnWorker();
  try {
    const listening = await w.start(1);
    assert.equal(listening.index, 1);
    assert.equal(listening.hostname, "127.0.0.1");
    const base = `http://127.0.0.1:${listening.port}`;

    w.post(modelMessage(7));
    w.post(modelMessage(8)); // a newer champion before "ready" replaces the first, unannounced
    assert.equal((await w.next("model_loaded")).index, 1);
    assert.equal((await (await fetchFresh(`${base}/ready`)).json()).status, "loading");
    w.post({ type: "ready" });
    await waitFor(async () => (await fetchFresh(`${base}/ready`)).status === 200 || undefined, {
      what: "/ready 200",
    });
    assert.equal(w.received.filter((m) => m.type === "model_loaded").length, 1);
    const served = await predictFresh(base);
    assert.equal(served.model_version, smallModel(8).info.version);
    assert.equal(served.served_by, "test:1/w1");

    w.post(modelMessage(7));
    await waitFor(
      async () =>
        (await predictFresh(base)).model_version === smallModel(7).info.version || undefined,
      { what: "the later champion served" },
    );
    w.post({ type: "shutdown" });
    await w.next("closed");
  } finally {
    w.thread.terminate();
  }
});

Deno.test("worker.ts answers /metrics through the primary and sends its registry on request", async () => {
  const w = spawnWorker();
  try {
    const { port } = await w.start(0);
    const scrape = fetchFresh(`http://127.0.0.1:${port}/metrics`);
    const collect = await w.next("collect");
    w.post({ type: "collected", id: collect.id, text: "aggregated_total 42\n" });
    assert.equal(await (await scrape).text(), "aggregated_total 42\n");

    const from = w.received.length;
    w.post({ type: "snapshot", id: 17 });
    const snapshot = await w.next("snapshot", from);
    assert.equal(snapshot.id, 17);
    const names = snapshot.data.map((m) => m.name);
    assert.ok(names.includes("requests_total") && names.includes("model_ready"), String(names));
    const start = snapshot.data.find((m) => m.name === "process_start_time_seconds");
    assert.equal(start?.values[0]?.value, 1234.5);
  } finally {
    w.post({ type: "shutdown" });
    await w.next("closed");
    w.thread.terminate();
  }
});

Deno.test("worker.ts fails, drains and closes on the primary's word", async () => {
  const w = spawnWorker();
  try {
    const { port } = await w.start(0);
    const base = `http://127.0.0.1:${port}`;
    w.post({ type: "model_failed", reason: "Model artifact x.json is unusable" });
    await waitFor(async () => {
      const ready = await (await fetchFresh(`${base}/ready`)).json();
      return ready.status === "failed" ? ready : undefined;
    }, { what: "/ready failed" });
    w.post({ type: "drain" });
    await waitFor(
      async () =>
        (await (await fetchFresh(`${base}/health`)).json()).state === "draining" || undefined,
      { what: "draining" },
    );
    w.post({ type: "shutdown" });
    await w.next("closed");
    await assert.rejects(() => fetchFresh(`${base}/health`));
  } finally {
    w.thread.terminate();
  }
});

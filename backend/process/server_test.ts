import assert from "node:assert/strict";
import { type Detector, type Model, serializeAnyArtifact } from "../detector/mod.ts";
import { waitFor } from "../../testing/poll.ts";
import { type ModelLoader, type ModelUpdates, runServer } from "./server.ts";
import {
  fetchFresh,
  recordingLogger,
  smallModel,
  testConfig,
} from "../../testing/process_layer.ts";

const encode = (d: Detector) => serializeAnyArtifact(d as Model);

/** A loader serving `load`'s outcome, recording the watch it was asked for. */
function fakeLoader(load: () => Promise<Detector>, encodeWith = encode) {
  const watched = { updates: null as ModelUpdates | null, polls: 0, stopped: 0 };
  const loader: ModelLoader = {
    load,
    encode: encodeWith,
    watch(_served, updates) {
      watched.updates = updates;
      return {
        poll: () => Promise.resolve(void watched.polls++),
        stop: () => Promise.resolve(void watched.stopped++),
      };
    },
  };
  return { loader, watched };
}

/** Start `runServer`; resolves once it listens, with its base URL, stop trigger and exit code. */
async function serve(env: Record<string, string>, loader: ModelLoader) {
  const { logger, events } = recordingLogger();
  const stop = Promise.withResolvers<boolean>();
  const port = Promise.withResolvers<number>();
  const code = runServer({
    config: testConfig(env),
    logger,
    model: loader,
    stopSignal: stop.promise,
    onListen: port.resolve,
  });
  const listened = await Promise.race([port.promise, code.then(() => null)]);
  if (listened === null) throw new Error(`runServer exited ${await code}: ${events()}`);
  return { base: `http://127.0.0.1:${listened}`, stop: stop.resolve, code, events };
}

/** Poll `path` over fresh connections until `workers` distinct workers answered `accept`. */
async function fromEveryWorker(
  url: string,
  workers: number,
  accept: (body: Record<string, unknown>) => boolean,
  what: string,
) {
  const seen = new Set<unknown>();
  await waitFor(async () => {
    const body = await (await fetchFresh(url)).json();
    if (accept(body)) seen.add(body.served_by);
    return seen.size === workers || undefined;
  }, { what, intervalMs: 0, timeoutMs: 20_000 });
}

for (const workers of [1, 2]) {
  Deno.test(`runServer() with WORKERS=${workers} serves the loaded model, follows champion moves and exits 0 when stopped`, async () => {
    const { loader, watched } = fakeLoader(() => Promise.resolve(smallModel()));
    const server = await serve({ WORKERS: String(workers) }, loader);
    const first = smallModel().info.version;
    await fromEveryWorker(
      `${server.base}/model`,
      workers,
      (b) => b.version === first,
      `every worker serving ${first}`,
    );
    const second = smallModel(8);
    watched.updates!.champion(second, encode(second));
    await fromEveryWorker(
      `${server.base}/model`,
      workers,
      (b) => b.version === second.info.version,
      "every worker serving the new champion",
    );

    server.stop(true);
    assert.equal(await server.code, 0);
    assert.equal(watched.stopped, 1);
    await assert.rejects(() => fetchFresh(`${server.base}/health`));
    const events = server.events().map((e) => String(e.event));
    const listening = server.events().find((e) => e.event === "listening")!;
    assert.equal(listening.workers, workers);
    assert.equal(listening.host, "127.0.0.1");
    assert.deepEqual(
      events.filter((e) => e === "listening" || e.startsWith("shutdown")),
      ["listening", "shutdown_started", "shutdown_complete"],
    );
    assert.equal(server.events().find((e) => e.event === "shutdown_started")!.drain_delay_s, 0);
  });

  Deno.test(`runServer() with WORKERS=${workers} stays up and not ready when the model fails to load, becomes ready once a champion arrives, and stops with 0`, async () => {
    const { loader, watched } = fakeLoader(() =>
      Promise.reject(new Error("Model artifact x.json is unusable"))
    );
    const server = await serve({ WORKERS: String(workers) }, loader);
    await fromEveryWorker(
      `${server.base}/health`,
      workers,
      (b) => b.state === "failed",
      "every worker failed",
    );
    const ready = await fetchFresh(`${server.base}/ready`);
    assert.equal(ready.status, 503);
    assert.equal((await ready.json()).reason, "Model artifact x.json is unusable");
    // The watch runs after a failed load too: what the alias names later is served, no restart.
    assert.ok(watched.updates, "the registry is watched after a failed load");
    watched.updates.status({
      intended: "sha256:" + "a".repeat(64),
      serving: null,
      matches: false,
      reason: "Champion alias names sha256:aaaaaaaaaaaa, which cannot be served: it is damaged",
      fallbacks: 0,
      pinned: null,
    });
    await fromEveryWorker(
      `${server.base}/ready`,
      workers,
      (b) => String(b.reason).startsWith("Champion alias names sha256:aaaaaaaaaaaa"),
      "every worker naming the alias and version in its not-ready reason",
    );
    const promoted = smallModel(9);
    watched.updates.champion(promoted, encode(promoted));
    await fromEveryWorker(
      `${server.base}/ready`,
      workers,
      (b) => b.ready === true,
      "every worker ready with the promoted champion",
    );
    server.stop(false);
    assert.equal(await server.code, 0);
  });

  Deno.test(`runServer() with WORKERS=${workers} returns 1 without listening when the port is taken`, async () => {
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { logger, events } = recordingLogger();
    let loads = 0;
    try {
      const code = await runServer({
        config: testConfig({ WORKERS: String(workers), PORT: String(taken.addr.port) }),
        logger,
        model: fakeLoader(() => Promise.resolve(void loads++).then(smallModel)).loader,
        stopSignal: new Promise(() => {}),
        onListen: () => assert.fail("onListen called"),
      });
      assert.equal(code, 1);
      assert.equal(loads, 0);
      const failure = events().find((e) => e.level === "error")!;
      assert.equal(failure.event, workers === 1 ? "listen_failed" : "worker_crashed");
      assert.match(String(failure.error), /in use/i);
    } finally {
      taken.close();
    }
  });
}

Deno.test("runServer() with WORKERS=2 returns 1 when a worker crashes while serving, without waiting for a stop", async () => {
  const { loader, watched } = fakeLoader(
    () => Promise.resolve(smallModel()),
    () => "this is not an artifact",
  );
  const server = await serve({ WORKERS: "2" }, loader);
  assert.equal(await server.code, 1);
  assert.equal(watched.stopped, 1);
  assert.ok(server.events().some((e) => e.event === "worker_crashed"));
  assert.ok(!server.events().some((e) => e.event === "shutdown_started"));
  await assert.rejects(() => fetchFresh(`${server.base}/health`));
});

for (const workers of [1, 2]) {
  Deno.test(`runServer() with WORKERS=${workers} and PROBE_PORT answers the probes from every isolate's state, through the drain`, async () => {
    const loaded = Promise.withResolvers<Detector>();
    const { loader } = fakeLoader(() => loaded.promise);
    // A drain long enough to be seen: the probe listener says "draining" through it.
    const server = await serve(
      { WORKERS: String(workers), PROBE_PORT: "0", DRAIN_DELAY_S: "2" },
      loader,
    );
    const listening = server.events().find((e) => e.event === "listening");
    const probes = `http://127.0.0.1:${listening?.probe_port}`;
    const probe = async (path: string) => {
      const res = await fetchFresh(`${probes}${path}`);
      return [res.status, (await res.json()).status];
    };
    assert.deepEqual(await probe("/health"), [200, "ok"]);
    assert.deepEqual(await probe("/ready"), [503, "loading"]);
    loaded.resolve(smallModel());
    await waitFor(async () => (await probe("/ready"))[0] === 200 || undefined, {
      what: "the probe listener's /ready to turn 200",
    });
    server.stop(false);
    await waitFor(async () => (await probe("/ready"))[1] === "draining" || undefined, {
      what: "the probe listener's /ready to say draining",
    });
    assert.deepEqual(await probe("/health"), [200, "ok"]);
    assert.equal(await server.code, 0);
    await assert.rejects(fetchFresh(`${probes}/health`));
  });
}

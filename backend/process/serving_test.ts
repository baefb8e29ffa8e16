import assert from "node:assert/strict";
import { SingleInstance } from "./serving.ts";
import {
  fetchFresh,
  recordingLogger,
  smallModel,
  testConfig,
} from "../../testing/process_layer.ts";

Deno.test("`SingleInstance` serves, drains and shuts down the instance in this thread", async () => {
  const serving = new SingleInstance({
    config: testConfig(),
    logger: recordingLogger().logger,
    servedBy: "test:1",
    refreshModels: () => Promise.resolve(),
  });
  assert.throws(() => serving.setModel(smallModel()), /call start\(\) first/);
  serving.start();
  const { port } = await serving.listening;
  const base = `http://127.0.0.1:${port}`;
  serving.setModel(smallModel());
  assert.equal((await fetchFresh(`${base}/ready`)).status, 200);
  serving.drain();
  assert.equal((await (await fetchFresh(`${base}/ready`)).json()).status, "draining");
  await serving.shutdown();
  serving.terminate();
  await assert.rejects(() => fetchFresh(`${base}/health`));
});

Deno.test("`SingleInstance.crashed` resolves 1 and logs listen_failed when the port is taken", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { logger, events } = recordingLogger();
  try {
    const serving = new SingleInstance({
      config: testConfig({ PORT: String(taken.addr.port) }),
      logger,
      servedBy: "test:1",
      refreshModels: () => Promise.resolve(),
    });
    serving.start();
    assert.equal(await serving.crashed, 1);
    assert.equal(serving.instance, null);
    const [line] = events();
    assert.equal(line.event, "listen_failed");
    assert.equal(line.port, taken.addr.port);
    assert.match(String(line.error), /in use/i);
  } finally {
    taken.close();
  }
});

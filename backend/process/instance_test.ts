import assert from "node:assert/strict";
import { silentLogger } from "../../lib/logger.ts";
import { waitFor } from "../../testing/poll.ts";
import { startInstance } from "./instance.ts";
import {
  fetchFresh,
  predictFresh,
  slowPredict,
  smallModel,
  testConfig,
} from "../../testing/process_layer.ts";

function start(env: Record<string, string> = {}, collect?: () => Promise<string>) {
  return startInstance({
    config: testConfig(env),
    logger: silentLogger,
    servedBy: "test:1",
    reusePort: false,
    ...(collect ? { collectMetrics: collect } : {}),
  });
}

Deno.test("`startInstance()` close() answers a request whose body is still arriving, then closes the listener", async () => {
  const instance = start();
  const { port } = await instance.listening;
  const base = `http://127.0.0.1:${port}`;
  instance.state.setReady(smallModel());
  const slow = slowPredict(base, 300);
  // The gauge counts the slow request once its handler runs (only then does close() see it).
  await waitFor(
    async () => ((await instance.metrics.inflight.get()).values[0]?.value ?? 0) >= 1 || undefined,
    {
      what: "the slow request in flight",
    },
  );
  const closed = instance.close();
  const res = await slow.response;
  assert.equal(res.status, 200);
  assert.equal((await res.json()).predictions.length, 2);
  await closed;
  await assert.rejects(() => fetchFresh(`${base}/health`));
});

Deno.test("`startInstance()` asks keep-alive clients to reconnect once draining, and still serves them", async () => {
  const instance = start();
  const { port } = await instance.listening;
  const base = `http://127.0.0.1:${port}`;
  try {
    instance.state.setReady(smallModel());
    const before = await fetchFresh(`${base}/health`);
    assert.equal(before.headers.get("connection"), null);
    instance.state.startDraining();
    const during = await fetchFresh(`${base}/health`);
    assert.equal(during.status, 200);
    assert.equal(during.headers.get("connection"), "close");
    assert.equal((await fetchFresh(`${base}/ready`)).status, 503);
    assert.equal((await predictFresh(base)).served_by, "test:1");
  } finally {
    await instance.close();
  }
});

Deno.test("`startInstance()` renders /metrics through collectMetrics when given, with its own registry", async () => {
  let calls = 0;
  const instance = startInstance({
    config: testConfig(),
    logger: silentLogger,
    servedBy: "test:1",
    reusePort: false,
    collectMetrics: async (metrics) => {
      calls++;
      return `# collected\n${await metrics.registry.getSingleMetricAsString("model_ready")}\n`;
    },
  });
  const { port } = await instance.listening;
  try {
    instance.state.setReady(smallModel());
    const text = await (await fetchFresh(`http://127.0.0.1:${port}/metrics`)).text();
    assert.equal(calls, 1);
    assert.match(text, /^# collected\n/);
    assert.match(text, /^model_ready 1$/m);
  } finally {
    await instance.close();
  }
});

Deno.test("`startInstance()` wires its lifecycle to the app: a challenger set on it shows in GET /models", async () => {
  const modelDir = await Deno.makeTempDir();
  const instance = start({ MODEL_DIR: modelDir });
  const { port } = await instance.listening;
  try {
    instance.state.setReady(smallModel());
    const challenger = smallModel(9);
    instance.lifecycle.setChallenger(challenger);
    const body = await (await fetchFresh(`http://127.0.0.1:${port}/models`)).json();
    assert.equal(body.serving.challenger, challenger.info.version);
    assert.equal(body.serving.champion, smallModel().info.version);
  } finally {
    await instance.close();
    await Deno.remove(modelDir, { recursive: true });
  }
});

Deno.test("`startInstance()` throws when the port is taken", () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    assert.throws(() => start({ PORT: String(taken.addr.port) }), /in use/i);
  } finally {
    taken.close();
  }
});

/** End-to-end tests of the real backend process: draining, workers, failed loads, framing attacks, promtool. */
import assert from "node:assert/strict";
import {
  type BackendProcess,
  REPO_ROOT,
  startBackend,
  taskArgs,
} from "../../testing/backend_process.ts";
import { processMemory } from "../../testing/raw_socket.ts";
import { waitFor } from "../../testing/poll.ts";
import { fetchFresh } from "../../testing/process_layer.ts";
import { promtoolCheckMetrics, skipUnless } from "../../testing/tools.ts";

const reading = { voltage: 230.1, current: 10.2, frequency: 50.01 };

/** Post a body that arrives in two halves `pauseMs` apart, so the request stays in flight. */
function slowPredict(url: string, pauseMs: number): Promise<Response> {
  const bytes = new TextEncoder().encode(JSON.stringify({ readings: [reading, reading] }));
  const half = bytes.length >> 1;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(bytes.slice(0, half));
      await new Promise((r) => setTimeout(r, pauseMs));
      controller.enqueue(bytes.slice(half));
      controller.close();
    },
  });
  return fetch(`${url}/predict`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  });
}

function counterValue(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

Deno.test("SIGTERM turns /ready 503 first, finishes in-flight requests and exits 0", async () => {
  const backend = await startBackend({ env: { DRAIN_DELAY_S: "1", SHUTDOWN_DEADLINE_S: "10" } });
  const inflight = Array.from({ length: 20 }, () => slowPredict(backend.url, 3000));
  // SIGTERM once all 20 are in flight (the scrape itself is one more).
  await waitFor(async () => {
    const text = await (await fetchFresh(`${backend.url}/metrics`)).text();
    return counterValue(text, "inflight_requests") >= 20 || undefined;
  }, { what: "20 requests in flight" });
  Deno.kill(backend.pid, "SIGTERM");
  const ready = await waitFor(async () => {
    const res = await fetchFresh(`${backend.url}/ready`);
    return res.status === 200 ? undefined : res;
  }, { what: "/ready to leave 200 after SIGTERM", timeoutMs: 5_000 });
  assert.equal(ready.status, 503);
  assert.equal((await ready.json()).status, "draining");
  const responses = await Promise.all(inflight);
  const statuses = await Promise.all(responses.map(async (r) => {
    await r.body?.cancel();
    return r.status;
  }));
  assert.deepEqual(statuses, Array(20).fill(200));
  const status = await backend.status;
  assert.equal(status.code, 0);
  await assert.rejects(() => fetch(`${backend.url}/health`));
  const events = backend.logs().map((l) => JSON.parse(l).event);
  assert.ok(events.indexOf("shutdown_started") < events.indexOf("shutdown_complete"));
});

Deno.test("/model, /ready and /health never show the absolute MODEL_DIR", async () => {
  const dir = await Deno.makeTempDir();
  const backend = await startBackend({ env: { MODEL_DIR: dir } });
  try {
    for (const path of ["/model", "/ready", "/health"]) {
      const text = await (await fetch(`${backend.url}${path}`)).text();
      assert.ok(!text.includes(dir), `${path}: ${text.slice(0, 300)}`);
    }
    const model = await (await fetch(`${backend.url}/model`)).json();
    assert.equal(model.artifact, "isolation_forest.json");
    assert.equal(model.source, "trained at startup: no artifact at isolation_forest.json");
  } finally {
    await backend.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WORKERS=2 serves from both workers and every scrape reports the same totals", async () => {
  const backend = await startBackend({ env: { WORKERS: "2" } });
  try {
    const servedBy = new Set<string>();
    const K = 60;
    for (let i = 0; i < K; i++) {
      // A new connection per request lets the kernel pick a worker each time.
      const res = await fetchFresh(`${backend.url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ readings: [reading] }),
      });
      servedBy.add((await res.json()).served_by);
    }
    assert.equal(servedBy.size, 2, `served by ${[...servedBy].join(", ")}`);
    for (let i = 0; i < 20; i++) {
      const text = await (await fetchFresh(`${backend.url}/metrics`)).text();
      assert.equal(
        counterValue(text, 'requests_total{path="/predict",method="POST",status="200"}'),
        K,
      );
      assert.equal(counterValue(text, "readings_total"), K);
      assert.equal(counterValue(text, "model_ready"), 1);
    }
    // Process metrics describe the one process, whichever worker answers: not summed per worker.
    const text = await (await fetchFresh(`${backend.url}/metrics`)).text();
    const start = counterValue(text, "process_start_time_seconds");
    assert.ok(start > Date.now() / 1000 - 120 && start <= Date.now() / 1000, `start ${start}`);
    assert.ok(counterValue(text, "process_cpu_seconds_total") > 0);
    const memory = processMemory(backend.pid);
    if (memory) {
      const rss = counterValue(text, "process_resident_memory_bytes");
      assert.ok(
        rss < memory.peak * 1.2,
        `process_resident_memory_bytes ${rss} vs VmHWM ${memory.peak}`,
      );
    }
  } finally {
    assert.equal((await backend.stop()).code, 0);
  }
});

Deno.test("a corrupt artifact with TRAIN_IF_MISSING=0 keeps the service up and not ready, saying why", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/isolation_forest.json`, '{"not":"a model"');
  const backend = await startBackend({
    env: { MODEL_DIR: dir, TRAIN_IF_MISSING: "0" },
    waitReady: false,
  });
  try {
    let ready: { status: string; reason: string } | null = null;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${backend.url}/ready`);
      ready = await res.json();
      if (ready!.status === "failed") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(ready!.status, "failed");
    assert.match(ready!.reason, /TRAIN_IF_MISSING/);
    // The file is named, the absolute MODEL_DIR is not (issue 10, item 9).
    assert.match(ready!.reason, /Model artifact isolation_forest\.json is unusable/);
    assert.ok(!ready!.reason.includes(dir), ready!.reason);
    assert.equal((await (await fetch(`${backend.url}/health`)).json()).status, "ok");
    const predict = await fetch(`${backend.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ readings: [reading] }),
    });
    assert.equal(predict.status, 503);
    await predict.body?.cancel();
  } finally {
    await backend.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

/** Send raw bytes over TCP and return the status line of the first response. */
async function rawRequest(port: number, head: string, body: Uint8Array): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(head));
    // The server may answer and close before all of the body is sent.
    await conn.write(body).catch(() => 0);
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    return new TextDecoder().decode(buf.subarray(0, n ?? 0)).split("\r\n")[0];
  } finally {
    conn.close();
  }
}

Deno.test("over-limit bodies get 413 and a lying Content-Length cannot smuggle extra bytes in", async () => {
  const backend: BackendProcess = await startBackend({ env: { MAX_BODY_BYTES: "65536" } });
  try {
    const big = new Uint8Array(200_000).fill(0x20);
    const declared = await rawRequest(
      backend.port,
      "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n",
      big,
    );
    assert.match(declared, /^HTTP\/1\.1 413/);
    // A small declared length frames the body: the server reads 20 bytes, answers 400 for them,
    // and the rest is garbage on the connection, never buffered as body.
    const lying = await rawRequest(
      backend.port,
      "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n",
      big,
    );
    assert.match(lying, /^HTTP\/1\.1 4\d\d/);
    assert.equal((await fetch(`${backend.url}/health`)).status, 200);
  } finally {
    await backend.stop();
  }
});

Deno.test({
  name: "promtool check metrics accepts the exposition",
  ignore: skipUnless("promtool"),
  async fn() {
    const backend = await startBackend();
    try {
      await fetch(`${backend.url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          readings: [reading, { voltage: 275, current: 28, frequency: 50.7 }],
        }),
      }).then((r) => r.body?.cancel());
      const text = await (await fetch(`${backend.url}/metrics`)).text();
      const { code, report } = await promtoolCheckMetrics(text);
      assert.equal(code, 0, report);
    } finally {
      await backend.stop();
    }
  },
});

Deno.test("invalid configuration exits 2 listing every problem, without a stack trace", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: taskArgs("backend/main.ts"),
    cwd: REPO_ROOT,
    env: { PORT: "eighty", CONTAMINATION: "2" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.match(stderr, /config error: PORT must be an integer, got "eighty"/);
  assert.match(
    stderr,
    /config error: CONTAMINATION must be greater than 0 and at most 0.5, got "2"/,
  );
  assert.doesNotMatch(stderr, /at .*\.ts:\d+/);
});

Deno.test("a shutdown deadline shorter than the body timeout exits 2 before listening", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: taskArgs("backend/main.ts"),
    cwd: REPO_ROOT,
    env: { PORT: "0", SHUTDOWN_DEADLINE_S: "1", BODY_TIMEOUT_MS: "10000" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.match(
    stderr,
    /config error: SHUTDOWN_DEADLINE_S must be at least BODY_TIMEOUT_MS \/ 1000/,
  );
  assert.doesNotMatch(new TextDecoder().decode(out.stdout), /"listening"/);
});

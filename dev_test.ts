import assert from "node:assert/strict";
import { MIN_ADMIN_TOKEN_LENGTH } from "./backend/config.ts";
import {
  DEV_DETECTOR,
  devAdminToken,
  devDetector,
  devStreamEnv,
  Service,
  servicesFor,
} from "./dev.ts";

Deno.test("devAdminToken() keeps yours, else makes a fresh one the backend accepts", () => {
  assert.equal(devAdminToken("mine-0123456789abcdef"), "mine-0123456789abcdef");
  const a = devAdminToken(undefined);
  const b = devAdminToken("  ");
  assert.notEqual(a, b);
  assert.match(a, /^dev-[0-9a-f]{32}$/);
  assert.ok(a.length >= MIN_ADMIN_TOKEN_LENGTH);
});

Deno.test("servicesFor() maps a changed file to the services to restart", () => {
  const cases: [string, string[]][] = [
    ["backend/http/app.ts", ["backend"]],
    ["backend/http/routes/predict.ts", ["backend"]],
    ["lib/simulator/simulator.ts", ["backend", "ui"]],
    ["backend/detector/types.ts", ["backend", "ui"]],
    ["lib/logger.ts", ["backend", "ui"]],
    ["frontend/islands/LiveMonitor.tsx", ["ui"]],
    ["frontend/static/styles.css", ["ui"]],
    ["frontend/static/build/islands/LiveMonitor.js", []],
    ["frontend/static/.build-tmp-1/x.js", []],
    ["frontend/static/.build-tmp-1-ab12/meta.json", []],
    ["frontend/static/.build-old-1-ab12-0/runtime/boot.js", []],
    ["frontend/static/build/meta.json", []],
    ["frontend/proxy_test.ts", []],
    ["frontend/tests/browser_test.ts", []],
    ["backend/http/app_test.ts", []],
    ["backend/.tmp/x.ts", []],
    ["models/isolation_forest.json", []],
    ["frontend/islands/LiveMonitor.tsx~", []],
    ["deno.json", ["backend", "ui"]],
  ];
  for (const [path, expected] of cases) assert.deepEqual(servicesFor(path), expected, path);
});

Deno.test("Service starts a process, forwards its lines and stops it with its signal", async () => {
  const lines: string[] = [];
  const service = new Service({
    name: "echo",
    command: [
      Deno.execPath(),
      "eval",
      // The listener is installed before "ready" is printed: a signal sent after the line can never
      // meet the default handler (exit 130).
      "Deno.addSignalListener('SIGINT', () => { console.log('bye'); Deno.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);",
    ],
    stopSignal: "SIGINT",
    onLine: (l) => lines.push(l),
  });
  service.start();
  assert.equal(service.running, true);
  for (let i = 0; i < 600 && !lines.includes("ready"); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(lines, ["ready"]);
  const status = await service.stop();
  assert.equal(status?.code, 0);
  assert.deepEqual(lines, ["ready", "bye"]);
  assert.equal(service.running, false);
  assert.equal(await service.stop(), null);
});

Deno.test("Service kills a process that ignores its stop signal after the deadline", async () => {
  const lines: string[] = [];
  const service = new Service({
    name: "stubborn",
    command: [
      Deno.execPath(),
      "eval",
      "Deno.addSignalListener('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);",
    ],
    killAfterMs: 300,
    onLine: (l) => lines.push(l),
  });
  service.start();
  // Stop only once the process says its SIGTERM listener is installed; before that the default
  // handler would end it and the test would not exercise the kill deadline.
  for (let i = 0; i < 600 && !lines.includes("up"); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(lines, ["up"]);
  const status = await service.stop();
  assert.equal(status?.signal, "SIGKILL");
});

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function refuses(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return false;
  } catch {
    return true;
  }
}

Deno.test("deno task dev runs backend and UI, restarts the UI on a change, and SIGTERM stops both", async () => {
  const backendPort = freePort();
  const uiPort = freePort();
  const modelDir = await Deno.makeTempDir({ prefix: "dev-test-models-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "dev.ts"],
    cwd: new URL(".", import.meta.url).pathname,
    env: { BACKEND_PORT: String(backendPort), UI_PORT: String(uiPort), MODEL_DIR: modelDir },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) output += decoder.decode(c, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  try {
    await waitFor(`http://127.0.0.1:${backendPort}/ready`, 60_000);
    await waitFor(`http://127.0.0.1:${uiPort}/health`, 60_000);
    assert.match(output, new RegExp(`\\[dev\\] backend  http://localhost:${backendPort}`));
    assert.match(output, new RegExp(`\\[dev\\] UI       http://localhost:${uiPort}`));
    // The UI proxies to the backend dev started.
    const res = await fetch(`http://127.0.0.1:${uiPort}/api/health`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).status, "ok");

    // A source change (mtime only: the content stays the same) restarts the UI.
    const listening = () =>
      output.split("\n").filter((l) => l.startsWith("[ui]") && l.includes('"listening"')).length;
    const before = listening();
    const now = new Date();
    await Deno.utime(new URL("./frontend/manifest.ts", import.meta.url), now, now);
    for (let i = 0; i < 300 && listening() === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(output, /\[dev\] change detected: restarting ui/);
    assert.equal(listening(), before + 1);
    await waitFor(`http://127.0.0.1:${uiPort}/health`, 30_000);
    // The restart rebuilds the islands; the build's own writes must not
    // trigger another restart.
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(output.match(/change detected/g)?.length, 1, output);

    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 0, output);
    assert.match(output, /\[dev\] stopped/);
    assert.equal(await refuses(backendPort), true, "backend still listening");
    assert.equal(await refuses(uiPort), true, "UI still listening");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await child.status;
    await pumps;
    await Deno.remove(modelDir, { recursive: true });
  }
});

Deno.test("devDetector() keeps yours, else serves the temporal detector the fleet view needs", () => {
  assert.equal(devDetector(undefined), DEV_DETECTOR);
  assert.equal(devDetector(" "), "temporal_window");
  assert.equal(devDetector("isolation_forest"), "isolation_forest");
});

Deno.test("devStreamEnv() runs the scorer only with a broker, with the backend's detector", () => {
  assert.equal(devStreamEnv(undefined, DEV_DETECTOR), null);
  assert.equal(devStreamEnv(" ", DEV_DETECTOR), null);
  assert.deepEqual(devStreamEnv("127.0.0.1:9092", devDetector(undefined)), {
    KAFKA_BOOTSTRAP: "127.0.0.1:9092",
    DETECTOR: "temporal_window",
  });
  assert.equal(devStreamEnv("127.0.0.1:9092", "isolation_forest")!.DETECTOR, "isolation_forest");
});

/**
 * End-to-end helpers: build the islands, start the real UI server process
 * on a free port (next to the real backend from `testing/backend_process.ts`),
 * and launch headless Chromium with the flags below.
 */
import { REPO_ROOT, taskArgs } from "../../testing/backend_process.ts";
import assert from "node:assert/strict";
import { type ServiceProcess, startService } from "../../testing/service_process.ts";
import { inCI } from "../../testing/tools.ts";
import { processMemory } from "../../testing/raw_socket.ts";
import { memoryLimitBytes } from "../../testing/storm.ts";
import { type FakeBackendOptions, startFakeBackend } from "./_fake_backend.ts";

/** A running UI server process. */
export type UiProcess = ServiceProcess;

/** Run `deno task build:ui` (atomic: a running server never sees half a build). */
export async function buildUi(): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "build:ui"],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno task build:ui failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Start `frontend/main.ts` exactly as `deno task ui` does (the image's flags); resolves once it listens. */
export function startUi(env: Record<string, string>): Promise<UiProcess> {
  return startService({
    name: "UI",
    args: taskArgs("frontend/main.ts"),
    env: { PORT: "0", HOST: "127.0.0.1", ...env },
    cwd: REPO_ROOT,
    readyPath: null,
  });
}

/** Chromium flags for headless runs in containers and CI: no sandbox, GPU or network chatter. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Where Debian installs Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Directory for screenshots and measurements (git-ignored). */
export const ARTIFACTS = new URL("./.artifacts/", import.meta.url);

/** Gzip size of `data` in bytes (what a compressing server would send). */
export async function gzipSize(data: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Read a counter's total from Prometheus text, summing series whose labels match every `labels` entry. */
export function counterTotal(
  metrics: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0;
  for (const line of metrics.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** Bytes in a MiB. */
export const MiB = 1024 * 1024;

/** The UI container's memory limit, read from `k8s/base/ui-deployment.yaml`. */
export const UI_MEMORY_LIMIT_MIB = memoryLimitBytes("ui") / MiB;

/**
 * Run `work` against a real UI process in front of a fake backend, then
 * assert the process's peak RSS stayed under its container limit. Peak RSS
 * is read from /proc: elsewhere the test says so and skips (never in CI).
 */
export async function assertUiFitsContainer(
  t: Deno.TestContext,
  backendOptions: FakeBackendOptions,
  work: (ui: UiProcess) => Promise<void>,
): Promise<void> {
  if (Deno.build.os !== "linux" && !inCI()) {
    await t.step("skipped: peak RSS is read from /proc (Linux only)", () => {});
    return;
  }
  const backend = startFakeBackend(backendOptions);
  const ui = await startUi({ BACKEND_URL: backend.url });
  try {
    await work(ui);
    const memory = processMemory(ui.pid);
    assert.ok(memory !== null, "/proc/<pid>/status is readable");
    const peak = memory.peak / MiB;
    assert.ok(peak < UI_MEMORY_LIMIT_MIB, `UI peak RSS ${peak.toFixed(0)} MiB`);
  } finally {
    await ui.stop("SIGINT");
    await backend.close();
  }
}

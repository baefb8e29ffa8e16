import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { aggregateMetrics, snapshotMetrics } from "./metrics.ts";
import { type ProcReader, procReader, registerProcessMetrics } from "./process_metrics.ts";
import { promtoolCheckMetrics, skipUnless } from "../../testing/tools.ts";

const FAKE: ProcReader = { openFds: () => 12, maxFds: () => 1024, virtualMemory: () => 5e8 };
const NONE: ProcReader = { openFds: () => null, maxFds: () => null, virtualMemory: () => null };

function sample(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} missing from\n${text}`);
  return Number(line.slice(name.length + 1));
}

Deno.test("registerProcessMetrics() exposes CPU, start time, memory and descriptors", async () => {
  const registry = new Registry();
  registerProcessMetrics(registry, { proc: FAKE, startTimeSeconds: 1_700_000_000.5 });
  const text = await registry.metrics();
  assert.match(text, /^# TYPE process_cpu_seconds_total counter$/m);
  assert.ok(sample(text, "process_cpu_seconds_total") > 0);
  assert.ok(
    Math.abs(
      sample(text, "process_cpu_seconds_total") -
        sample(text, "process_cpu_user_seconds_total") -
        sample(text, "process_cpu_system_seconds_total"),
    ) < 0.05,
  );
  assert.equal(sample(text, "process_start_time_seconds"), 1_700_000_000.5);
  assert.ok(sample(text, "process_resident_memory_bytes") > 1e6);
  assert.equal(sample(text, "process_open_fds"), 12);
  assert.equal(sample(text, "process_max_fds"), 1024);
  assert.equal(sample(text, "process_virtual_memory_bytes"), 5e8);
});

Deno.test("registerProcessMetrics() leaves out descriptor metrics when /proc cannot be read", async () => {
  const registry = new Registry();
  registerProcessMetrics(registry, { proc: NONE });
  const text = await registry.metrics();
  assert.doesNotMatch(text, /process_open_fds|process_max_fds|process_virtual_memory_bytes/);
  assert.ok(sample(text, "process_cpu_seconds_total") > 0);
  // Default start: this isolate's time origin, in the past.
  const start = sample(text, "process_start_time_seconds");
  assert.ok(start <= Date.now() / 1000 && start > Date.now() / 1000 - 3600);
});

Deno.test("process metrics of several workers aggregate to the one process, not a sum", async () => {
  const workers = [new Registry(), new Registry()];
  for (const r of workers) registerProcessMetrics(r, { proc: FAKE, startTimeSeconds: 100 });
  const snapshots = await Promise.all(workers.map(snapshotMetrics));
  const text = await aggregateMetrics(snapshots);
  const { user, system } = (await import("node:process")).default.cpuUsage();
  assert.ok(sample(text, "process_cpu_seconds_total") <= (user + system) / 1e6);
  assert.equal(sample(text, "process_open_fds"), 12);
  assert.equal(sample(text, "process_max_fds"), 1024);
  assert.equal(sample(text, "process_start_time_seconds"), 100);
  assert.ok(sample(text, "process_resident_memory_bytes") <= Deno.memoryUsage().rss * 1.2);
});

Deno.test("procReader reads this process's /proc where it is permitted", () => {
  const fds = procReader.openFds();
  if (fds === null) return; // not Linux, or no --allow-all: the metrics are absent, tested above
  assert.ok(fds >= 3);
  assert.ok(procReader.maxFds()! >= fds);
  assert.ok(procReader.virtualMemory()! > Deno.memoryUsage().rss);
});

Deno.test({
  name: "promtool check metrics accepts the process metrics",
  ignore: skipUnless("promtool"),
  async fn() {
    const registry = new Registry();
    registerProcessMetrics(registry);
    const { code, report } = await promtoolCheckMetrics(await registry.metrics());
    assert.equal(code, 0, report);
  },
});

/**
 * The standard Prometheus process metrics (`process_cpu_seconds_total`,
 * `process_start_time_seconds`, `process_resident_memory_bytes`,
 * `process_open_fds`, `process_max_fds`, `process_virtual_memory_bytes`),
 * implemented here because prom-client's `collectDefaultMetrics` is unsafe
 * under Deno (its event-loop-lag collector throws and takes `/metrics` down,
 * prometheus/client_js#651).
 *
 * Every value describes the whole process, and with `WORKERS` > 1 every
 * worker isolate reads the same process, so each metric aggregates with
 * "max", never "sum" (a sum would count the process once per worker).
 *
 * CPU and memory come from `node:process` and `Deno.memoryUsage()`, which
 * need no permission. File descriptors and virtual memory are only in
 * `/proc`, which Deno opens only to `--allow-all`; the service runs with
 * narrower permissions, so there those metrics are absent rather than wrong.
 */
import process from "node:process";
import { Counter, Gauge, type Registry } from "prom-client";

/** Options for {@link registerProcessMetrics}. */
export interface ProcessMetricsOptions {
  /** When the process started, in seconds since the epoch (workers get the primary's). */
  startTimeSeconds?: number;
  /** Read a `/proc` file or directory size; tests inject fakes. Default: the real `/proc`, or null when unreadable. */
  proc?: ProcReader;
}

/** Reads `/proc/self`; every method returns null when the data is not available. */
export interface ProcReader {
  /** Entries in `/proc/self/fd`. */
  openFds(): number | null;
  /** The soft limit of open files from `/proc/self/limits`. */
  maxFds(): number | null;
  /** Virtual memory size in bytes (`/proc/self/stat` field 23). */
  virtualMemory(): number | null;
}

/** The real `/proc`, or nulls when it is missing (not Linux) or not permitted. */
export const procReader: ProcReader = {
  openFds() {
    try {
      let n = 0;
      for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
      // One descriptor is the directory being read.
      return Math.max(0, n - 1);
    } catch {
      return null;
    }
  },
  maxFds() {
    const text = readProc("/proc/self/limits");
    const soft = text ? /^Max open files\s+(\S+)/m.exec(text)?.[1] : undefined;
    if (soft === undefined) return null;
    return soft === "unlimited" ? Number.MAX_SAFE_INTEGER : Number(soft);
  },
  virtualMemory() {
    const text = readProc("/proc/self/stat");
    if (!text) return null;
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const vsize = Number(fields[20]);
    return Number.isFinite(vsize) ? vsize : null;
  },
};

function readProc(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** Whether `/proc/self` can be read in this process (false without `--allow-all` under Deno). */
export function procReadable(proc: ProcReader = procReader): boolean {
  return proc.openFds() !== null;
}

/** Register the process metrics on `registry`. */
export function registerProcessMetrics(
  registry: Registry,
  options: ProcessMetricsOptions = {},
): void {
  const registers = [registry];
  const proc = options.proc ?? procReader;
  const cpu = () => process.cpuUsage();
  new Counter({
    name: "process_cpu_seconds_total",
    help: "Total user and system CPU time spent in seconds",
    registers,
    aggregator: "max",
    collect() {
      const { user, system } = cpu();
      this.reset();
      this.inc((user + system) / 1e6);
    },
  });
  new Counter({
    name: "process_cpu_user_seconds_total",
    help: "Total user CPU time spent in seconds",
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      this.inc(cpu().user / 1e6);
    },
  });
  new Counter({
    name: "process_cpu_system_seconds_total",
    help: "Total system CPU time spent in seconds",
    registers,
    aggregator: "max",
    collect() {
      this.reset();
      this.inc(cpu().system / 1e6);
    },
  });
  const start = new Gauge({
    name: "process_start_time_seconds",
    help: "Start time of the process since unix epoch in seconds",
    registers,
    aggregator: "min",
  });
  start.set(options.startTimeSeconds ?? Math.round(performance.timeOrigin) / 1000);
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes",
    registers,
    aggregator: "max",
    collect() {
      this.set(Deno.memoryUsage().rss);
    },
  });
  // Registered only where /proc answers, so an unreadable /proc shows no metric rather than 0.
  if (!procReadable(proc)) return;
  new Gauge({
    name: "process_open_fds",
    help: "Number of open file descriptors",
    registers,
    aggregator: "max",
    collect() {
      const n = proc.openFds();
      if (n !== null) this.set(n);
    },
  });
  new Gauge({
    name: "process_max_fds",
    help: "Maximum number of open file descriptors",
    registers,
    aggregator: "max",
    collect() {
      const n = proc.maxFds();
      if (n !== null) this.set(n);
    },
  });
  new Gauge({
    name: "process_virtual_memory_bytes",
    help: "Virtual memory size in bytes",
    registers,
    aggregator: "max",
    collect() {
      const n = proc.virtualMemory();
      if (n !== null) this.set(n);
    },
  });
}

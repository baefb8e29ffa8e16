/**
 * `deno task bench`: measures, in one run on this machine, the real service
 * with `WORKERS=1` and `WORKERS=2` against a plain Deno JSON echo server (the
 * ceiling) at batch sizes 1, 64 and 256:
 *
 * - throughput and p50/p99 with wrk (closed loop, 16 connections, bounded
 *   duration), with ratios to the echo ceiling, and each server's CPU time per
 *   request (from /proc, which other load on the machine barely moves);
 * - the request path's two targets (issue 13) as ratios, from req/s and from
 *   CPU: batch 1 against the echo, batch 64 against 1 / (1/echo + scoring);
 * - p99 at the workshop's offered 150 req/s (batch 64) with `deno task load`
 *   (open loop, `--no-keepalive`, as in the guide);
 * - RSS per worker after load, and time to ready (cold: trains the model;
 *   warm: loads the artifact).
 *
 * Prints the tables, writes its section of docs/PERFORMANCE.md (other
 * sections are kept) and docs/throughput.svg. Flags: `--duration S` (wrk
 * seconds per run, default 5), `--repeat N` (runs per cell, interleaved across
 * targets; the median is reported, default 3), `--load-duration S` (default
 * 10), `--no-write` (print only).
 */
import { parseArgs } from "node:util";
import { errorMessage, print, printError } from "../../lib/logger.ts";
import { predictBodies } from "../../loadtest/payload.ts";
import type { LoadReport } from "../../loadtest/load_runner.ts";
import { REPO_ROOT, startBackend } from "../../testing/backend_process.ts";
import { processMemory } from "../../testing/raw_socket.ts";
import { DEFAULT_MODEL_CONFIG, toMatrix, trainModel } from "../../backend/detector/mod.ts";
import { simulate, toReading } from "../../lib/simulator/simulator.ts";
import {
  type BenchRow,
  cpuTargetRatios,
  medianRow,
  parseWrk,
  replaceSection,
  targetRatios,
  TARGETS,
  targetsTable,
  throughputSvg,
  throughputTable,
  type WrkResult,
} from "./bench_report.ts";

const BATCHES = [1, 64, 256];
const CONNECTIONS = 16;
const ECHO = "echo (ceiling)";
const SERVICE_1 = "service WORKERS=1";

/** A server under measurement. */
export interface Target {
  name: string;
  /** Server isolates (1 for the echo server). */
  workers: number;
  url: string;
  pid: number;
  stop(): Promise<unknown>;
}

interface LoadRow {
  target: string;
  connections: "new per request" | "keep-alive";
  report: LoadReport;
}

interface MemRow {
  target: string;
  workers: number;
  rssMiB: number;
  peakMiB: number;
}

const dec = new TextDecoder();

/** Run `cmd` to completion; its exit code and output as text. */
export async function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Start the echo server (the ceiling) on a free port. */
export async function startEcho(): Promise<Target> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", `${REPO_ROOT}tools/bench/echo_server.ts`],
    env: { PORT: "0" },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error("Echo server exited before listening");
    buf += value;
  }
  const { port } = JSON.parse(buf.split("\n")[0]);
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  return {
    name: ECHO,
    workers: 1,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

async function startService(
  workers: number,
  modelDir: string,
): Promise<Target & { readyS: number }> {
  const t0 = performance.now();
  const b = await startBackend({
    env: { WORKERS: String(workers), MODEL_DIR: modelDir },
    timeoutMs: 120_000,
  });
  const readyS = (performance.now() - t0) / 1000;
  return {
    name: `service WORKERS=${workers}`,
    workers,
    url: b.url,
    pid: b.pid,
    readyS,
    stop: () => b.stop("SIGTERM"),
  };
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux), or null off Linux. */
let clockTicks: number | null | undefined;

/** CPU seconds (user + system, all threads) `pid` has used so far, or null where /proc is missing. */
async function cpuSeconds(pid: number): Promise<number | null> {
  try {
    clockTicks ??= Number((await run("getconf", ["CLK_TCK"])).stdout.trim()) || 100;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    clockTicks = null;
    return null;
  }
}

/** One wrk run of `seconds` at `batch` after a 1 s warm-up, with `pid`'s CPU µs per request. */
export async function wrk(
  url: string,
  pid: number,
  batch: number,
  seconds: number,
  dir: string,
): Promise<WrkResult> {
  const bodyPath = `${dir}/body-${batch}.json`;
  const luaPath = `${dir}/post-${batch}.lua`;
  Deno.writeTextFileSync(bodyPath, predictBodies(1, batch, { anomalyRate: 0.05, seed: batch })[0]);
  Deno.writeTextFileSync(
    luaPath,
    [
      'wrk.method = "POST"',
      'wrk.headers["Content-Type"] = "application/json"',
      `local f = assert(io.open("${bodyPath}", "rb"))`,
      "wrk.body = f:read('*a')",
      "f:close()",
      "",
    ].join("\n"),
  );
  const args = (d: number) => [
    "-t1",
    `-c${CONNECTIONS}`,
    `-d${d}s`,
    "--latency",
    "-s",
    luaPath,
    `${url}/predict`,
  ];
  await run("wrk", args(1)); // warm-up: JIT, connection setup
  const cpuBefore = await cpuSeconds(pid);
  const r = await run("wrk", args(seconds));
  const cpuAfter = await cpuSeconds(pid);
  if (r.code !== 0) throw new Error(`wrk failed (${r.code}): ${r.stderr}`);
  const result = parseWrk(r.stdout);
  if (cpuBefore !== null && cpuAfter !== null && result.requests > 0) {
    result.cpuUsPerRequest = ((cpuAfter - cpuBefore) * 1e6) / result.requests;
  }
  return result;
}

async function openLoop(url: string, seconds: number, keepalive: boolean): Promise<LoadReport> {
  const r = await run(Deno.execPath(), [
    "run",
    "--allow-net",
    `${REPO_ROOT}loadtest/load.ts`,
    "--url",
    url,
    "--rps",
    "150",
    "--duration",
    String(seconds),
    "--batch-size",
    "64",
    "--workers",
    "32",
    ...(keepalive ? [] : ["--no-keepalive"]),
    "--json",
  ]);
  if (r.code !== 0) throw new Error(`deno task load failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as LoadReport;
}

/**
 * Scoring cost of the served model (default config, 200 trees) in this
 * process: µs per reading for the forest alone and for `predict()` with
 * reasons, at batch 64, best of 5 rounds of 200 batches.
 */
export function scoring(): { table: string; forestUsPerReading: number } {
  const model = trainModel(DEFAULT_MODEL_CONFIG, { evaluation: false });
  const batches = Array.from(
    { length: 200 },
    (_, i) => simulate(64, { seed: 1000 + i, anomalyRate: 0.05 }).map(toReading),
  );
  const matrices = batches.map((b) => toMatrix(b));
  const best = (work: () => void) => {
    let min = Infinity;
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      work();
      min = Math.min(min, performance.now() - start);
    }
    return (min * 1000) / (200 * 64);
  };
  const forest = best(() => matrices.forEach((m) => model.scoreMatrix(m)));
  const predict = best(() => batches.forEach((b) => model.predict(b)));
  const table = [
    "| what (batch 64, 200 trees) | µs per reading |",
    "| --- | ---: |",
    `| forest score only | ${forest.toFixed(2)} |`,
    `| \`predict()\`: validation-free scoring, threshold, reasons for anomalies | ${
      predict.toFixed(2)
    } |`,
  ].join("\n");
  return { table, forestUsPerReading: forest };
}

/** One line naming the CPU, memory, kernel, Deno and wrk of this machine. */
export async function machine(): Promise<string> {
  let cpu = "unknown CPU";
  try {
    cpu = /model name\s*:\s*(.+)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  const memGiB = Deno.systemMemoryInfo().total / 1024 ** 3;
  const wrkVersion = (await run("wrk", ["-v"])).stdout.split("\n")[0].split(" [")[0].trim();
  return `${navigator.hardwareConcurrency} × ${cpu}, ${memGiB.toFixed(0)} GiB RAM, ` +
    `Linux ${Deno.osRelease()}, Deno ${Deno.version.deno}, ${wrkVersion || "wrk"}`;
}

function f(n: number | undefined, d = 1): string {
  return n === undefined ? "—" : n.toFixed(d);
}

/** Run the whole benchmark; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        duration: { type: "string", default: "5" },
        "load-duration": { type: "string", default: "10" },
        repeat: { type: "string", default: "3" },
        "no-write": { type: "boolean", default: false },
      },
    }));
  } catch (err) {
    printError(
      `bench: ${errorMessage(err)} (options: --duration S, --load-duration S, ` +
        "--repeat N, --no-write)",
    );
    return 2;
  }
  const seconds = Number(values.duration);
  const loadSeconds = Number(values["load-duration"]);
  const repeat = Number(values.repeat);
  if (!(seconds >= 1) || !(loadSeconds >= 1) || !Number.isInteger(repeat) || repeat < 1) {
    printError(
      "bench: --duration and --load-duration must be at least 1 second, --repeat a positive integer",
    );
    return 2;
  }
  if ((await run("sh", ["-c", "command -v wrk"])).code !== 0) {
    printError(
      "bench: wrk is not on PATH (apt-get install wrk, or bash .ci/setup.d/50-loadtest.sh)",
    );
    return 2;
  }
  const started = new Date();
  // Scoring is measured before the servers run and again after them; the lower figure is kept,
  // since load from elsewhere on the machine only ever makes it slower.
  const scoringBefore = scoring();
  const host = await machine();
  // Other processes on the machine (a parallel test run) skew every figure: say so.
  const loadavg = () => Deno.loadavg().map((n) => n.toFixed(2)).join(" / ");
  const load = loadavg();
  const dir = await Deno.makeTempDir({ prefix: "bench-" });
  const modelDir = await Deno.makeTempDir({ prefix: "bench-models-" });
  const rows: BenchRow[] = [];
  const loads: LoadRow[] = [];
  const mems: MemRow[] = [];
  const ready: { label: string; seconds: number }[] = [];
  try {
    // Cold start trains into an empty MODEL_DIR; it is then stopped and every
    // later start finds the artifact there.
    const cold = await startService(1, modelDir);
    ready.push({ label: "WORKERS=1, empty MODEL_DIR (trains)", seconds: cold.readyS });
    await cold.stop();

    // All three servers run side by side (idle ones cost nothing) so the
    // repeated runs can interleave them: a burst of load from elsewhere on the
    // machine then hits every target instead of skewing one.
    const targets: Target[] = [];
    try {
      targets.push(await startEcho());
      for (const workers of [1, 2]) {
        const t = await startService(workers, modelDir);
        ready.push({ label: `WORKERS=${workers}, artifact present`, seconds: t.readyS });
        targets.push(t);
      }
      const runs = new Map<string, WrkResult[]>();
      for (let rep = 1; rep <= repeat; rep++) {
        for (const batch of BATCHES) {
          for (const t of targets) {
            printError(`bench: run ${rep}/${repeat} ${t.name} batch ${batch}: wrk ${seconds} s`);
            const key = `${t.name}\u0000${batch}`;
            runs.set(key, [
              ...(runs.get(key) ?? []),
              await wrk(t.url, t.pid, batch, seconds, dir),
            ]);
          }
        }
      }
      for (const t of targets) {
        for (const batch of BATCHES) {
          rows.push(medianRow(t.name, batch, runs.get(`${t.name}\u0000${batch}`) ?? []));
        }
      }
      for (const t of targets) {
        for (const keepalive of [false, true]) {
          printError(
            `bench: ${t.name}: deno task load 150 req/s × ${loadSeconds} s${
              keepalive ? "" : " --no-keepalive"
            }`,
          );
          loads.push({
            target: t.name,
            connections: keepalive ? "keep-alive" : "new per request",
            report: await openLoop(t.url, loadSeconds, keepalive),
          });
        }
        const m = processMemory(t.pid);
        const mib = (bytes = 0) => bytes / (1024 * 1024);
        mems.push({
          target: t.name,
          workers: t.workers,
          rssMiB: mib(m?.rss),
          peakMiB: mib(m?.peak),
        });
      }
    } finally {
      for (const t of targets) await t.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(modelDir, { recursive: true });
  }

  const loadEnd = loadavg();
  const scoringAfter = scoring();
  const { table: scoringText, forestUsPerReading } =
    scoringAfter.forestUsPerReading < scoringBefore.forestUsPerReading
      ? scoringAfter
      : scoringBefore;
  const table = throughputTable(rows, ECHO);
  // The issue's scoring time per request: the forest alone on 64 readings, measured just above.
  const scoring64 = (forestUsPerReading * 64) / 1e6;
  const wall = targetRatios(rows, ECHO, SERVICE_1, scoring64);
  const cpu = cpuTargetRatios(rows, ECHO, SERVICE_1, scoring64);
  const targets = targetsTable(wall, cpu, scoring64);
  const cpuTable = [
    "| target | batch | server CPU µs per request |",
    "| --- | ---: | ---: |",
    ...rows.map((r) => `| ${r.target} | ${r.batch} | ${f(r.cpuUsPerRequest)} |`),
  ].join("\n");
  const loadTable = [
    "| target | connections | offered/s | achieved ok/s | ok | errors | dropped | late | p50 ms | p95 ms | p99 ms | max ms |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...loads.map(({ target, connections, report: r }) =>
      `| ${target} | ${connections} | ${r.offered_rps} | ${
        f(r.achieved_rps)
      } | ${r.ok} | ${r.errors} | ${r.dropped} | ${r.late} | ${f(r.latency_ms?.p50, 2)} | ${
        f(r.latency_ms?.p95, 2)
      } | ${f(r.latency_ms?.p99, 2)} | ${f(r.latency_ms?.max, 2)} |`
    ),
  ].join("\n");
  const memTable = [
    "| target | workers | RSS after load MiB | peak RSS MiB | RSS per worker MiB |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...mems.map((m) =>
      `| ${m.target} | ${m.workers} | ${f(m.rssMiB)} | ${f(m.peakMiB)} | ${
        f(m.rssMiB / m.workers)
      } |`
    ),
  ].join("\n");
  const w1 = mems.find((m) => m.target === "service WORKERS=1");
  const w2 = mems.find((m) => m.target === "service WORKERS=2");
  const marginal = w1 && w2 ? `The second worker adds ${f(w2.rssMiB - w1.rssMiB)} MiB.` : "";
  const readyTable = [
    "| start | time to /ready 200 (s) |",
    "| --- | ---: |",
    ...ready.map((r) => `| ${r.label} | ${f(r.seconds, 2)} |`),
  ].join("\n");

  const at = (t: string, b: number) =>
    rows.find((r) => r.target === t && r.batch === b)?.wrk.requestsPerSec;
  const summary = BATCHES.map((b) => {
    const e = at(ECHO, b), s1 = at("service WORKERS=1", b), s2 = at("service WORKERS=2", b);
    return `batch ${b}: WORKERS=1 reaches ${e && s1 ? f((100 * s1) / e, 0) : "—"} % of the echo ` +
      `ceiling, WORKERS=2 ${e && s2 ? f((100 * s2) / e, 0) : "—"} % ` +
      `(${s1 && s2 ? f(s2 / s1, 2) : "—"}× WORKERS=1)`;
  });

  const command = "deno task bench" + (argv.length ? ` ${argv.join(" ")}` : "");
  const section = `## Service (deno task bench)

Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC on ${host},
with \`${command}\` (load average 1/5/15 min at start: ${load}, at the end: ${loadEnd}). The load
generators share the servers' cores, so absolute figures are lower bounds; the ratios to the echo
ceiling (a bare \`Deno.serve\` JSON echo, \`tools/bench/echo_server.ts\`) carry over.

### Throughput and latency (wrk, closed loop)

wrk, 1 thread, ${CONNECTIONS} connections, ${seconds} s per run after a 1 s warm-up, one simulator
batch per \`/predict\`; each cell ran ${repeat} times, interleaved across the servers: the median
run and the range.

${table}

${summary.map((s) => `- ${s}`).join("\n")}

![requests/s against batch size](throughput.svg)

### The request path's targets

One worker against what HTTP and JSON alone cost: at batch 1 at least ${TARGETS.batch1} of the
echo's requests/s; at batch 64 at least ${TARGETS.batch64} of the bound 1 / (1/echo + scoring), scoring
being the forest's time for 64 readings ("Scoring" below). Beside each, the same ratio from the
servers' CPU time per request (\`/proc/<pid>/stat\`), which moves less than wall-clock rates when
other work shares the machine.

${targets}

${cpuTable}

### p99 at the workshop's offered load (deno task load, open loop)

\`deno task load --rps 150 --duration ${loadSeconds} --batch-size 64 --workers 32 [--no-keepalive]\`:
arrivals on schedule, latency from the scheduled send; \`--no-keepalive\` (the guide's command)
opens a connection per request.

${loadTable}

### Memory and start-up

RSS of the server process after its load (workers are Web Workers in one process,
so "per worker" is the process RSS divided by WORKERS). ${marginal}

${memTable}

${readyTable}

### Scoring

In-process, best of 5 rounds over 12,800 simulated readings (5 % anomalies), measured before and
after the servers ran; the lower of the two forest figures is shown and used for the bound above.

${scoringText}
`;

  print(`\n${host}\n`);
  print(table);
  print("");
  for (const s of summary) print(s);
  print("");
  print(targets);
  print("");
  print(cpuTable);
  print("");
  print(loadTable);
  print("");
  print(memTable);
  print("");
  print(readyTable);
  print("");
  print(scoringText);

  if (!values["no-write"]) {
    const mdPath = `${REPO_ROOT}docs/PERFORMANCE.md`;
    let doc: string | null = null;
    try {
      doc = Deno.readTextFileSync(mdPath);
    } catch {
      // first run
    }
    Deno.mkdirSync(`${REPO_ROOT}docs`, { recursive: true });
    Deno.writeTextFileSync(mdPath, replaceSection(doc, section));
    // `deno task ok` checks Markdown formatting too: leave the file as deno fmt wants it.
    const fmt = await run(Deno.execPath(), ["fmt", "--quiet", mdPath]);
    if (fmt.code !== 0) printError(`bench: deno fmt ${mdPath} failed: ${fmt.stderr}`);
    Deno.writeTextFileSync(
      `${REPO_ROOT}docs/throughput.svg`,
      throughputSvg(
        rows,
        `/predict throughput vs batch size (${navigator.hardwareConcurrency} cores)`,
      ),
    );
    print("\nwrote docs/PERFORMANCE.md (service section) and docs/throughput.svg");
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));

/**
 * `deno task bench:stages`: where a served `/predict` spends its time, stage
 * by stage, in a process that is serving. The same stages timed in one
 * process in a loop (`bench:profile`'s last table) run with hot caches; under
 * load every stage shares the CPU's caches with the HTTP server between
 * requests, and the sampling profiler inflates what it samples. Here a child
 * process serves `POST /predict` on plain `Deno.serve` with the service's own
 * stages (body read, JSON.parse, validation, `predict()`, prediction ids,
 * JSON.stringify), the service's V8 flags and the default model, adds up the
 * wall time of each stage, and prints the sums when wrk is done. Beside them:
 * the main thread's CPU per request (Deno serves HTTP on it too) for this
 * server and for the plain JSON echo, and the whole process's.
 *
 * Flags: `--batch N` (repeatable, default 1 and 64), `--duration S` (default 4).
 */
import { print } from "../../lib/logger.ts";
import { benchArgs } from "./_args.ts";
import { machine, startEcho, wrk } from "./bench.ts";
import { DEFAULT_MODEL_CONFIG, trainModel } from "../../backend/detector/mod.ts";
import { parseJson, readJsonBytes } from "../../backend/http/read_json.ts";
import { validatePredictBody } from "../../backend/predict/predict_schema.ts";
import { withIds } from "../../backend/predict/score.ts";

/** The stages, in request order. */
const STAGES = [
  "read body",
  "JSON.parse",
  "validate",
  "predict (forest, threshold, reasons)",
  "prediction ids",
  "JSON.stringify",
] as const;

/** The child: serve `/predict` stage by stage and print the sums (ms) and count on SIGTERM. */
function serve(): void {
  const model = trainModel(DEFAULT_MODEL_CONFIG);
  const features = model.info.features;
  const sums = new Float64Array(STAGES.length);
  let requests = 0;
  Deno.addSignalListener("SIGTERM", () => {
    print(JSON.stringify({ event: "stages", requests, sums: [...sums] }));
    Deno.exit(0);
  });
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => print(JSON.stringify({ event: "listening", port })),
  }, async (req) => {
    if (req.method !== "POST") return Response.json({ status: "ready" });
    const t0 = performance.now();
    const bytes = await readJsonBytes(req, { maxBytes: 1 << 20, timeoutMs: 10_000 });
    const t1 = performance.now();
    const body = parseJson(bytes);
    const t2 = performance.now();
    const { readings } = validatePredictBody(body, { maxBatch: 1_000, features });
    const t3 = performance.now();
    const predictions = model.predict(readings);
    const t4 = performance.now();
    const served = withIds(model, readings, predictions);
    const t5 = performance.now();
    const text = JSON.stringify({ predictions: served, total: served.length });
    const t6 = performance.now();
    const times = [t0, t1, t2, t3, t4, t5, t6];
    for (let s = 0; s < STAGES.length; s++) sums[s] += times[s + 1] - times[s];
    requests++;
    return new Response(text, { headers: { "content-type": "application/json" } });
  });
}

/** CPU clock ticks (utime + stime) of `/proc/<path>/stat`. */
function cpuTicks(path: string): number {
  const fields = Deno.readTextFileSync(`/proc/${path}/stat`).split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * wrk at `batch` against `url`, with `pid`'s CPU µs per request: the whole
 * process's (wrk()'s measured run) and its main thread's (the main thread's
 * share of the process's CPU over wrk()'s warm-up and run, times that).
 */
async function measure(url: string, pid: number, batch: number, seconds: number, dir: string) {
  const before = { thread: cpuTicks(`${pid}/task/${pid}`), process: cpuTicks(`${pid}`) };
  const r = await wrk(url, pid, batch, seconds, dir);
  const share = (cpuTicks(`${pid}/task/${pid}`) - before.thread) /
    (cpuTicks(`${pid}`) - before.process);
  const process = r.cpuUsPerRequest ?? NaN;
  return { main: share * process, process, requests: r.requests };
}

async function main(argv: string[]): Promise<number> {
  const values = benchArgs("bench:stages", argv, {
    batch: { type: "string", multiple: true },
    duration: { type: "string" },
  });
  const batches = (values.batch ?? ["1", "64"]).map(Number);
  const seconds = Number(values.duration ?? 4);
  if (batches.some((b) => !Number.isInteger(b) || b < 1) || !(seconds > 0)) {
    print("bench:stages: --batch must be a positive integer and --duration a positive number");
    return 2;
  }
  const dir = await Deno.makeTempDir({ prefix: "bench-stages-" });
  const echo = await startEcho();
  print(`deno task bench:stages --duration ${seconds}: ${await machine()}`);
  try {
    for (const batch of batches) {
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--v8-flags=--max-semi-space-size=2",
          "--allow-net",
          "--allow-read",
          import.meta.filename!,
          "--serve",
        ],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      let port = 0;
      while (port === 0) {
        const { done, value } = await lines.read();
        if (done) throw new Error("The stage server exited before listening");
        text += value;
        const m = text.match(/\{"event":"listening","port":(\d+)\}/);
        if (m) port = Number(m[1]);
      }
      const served = await measure(`http://127.0.0.1:${port}`, child.pid, batch, seconds, dir);
      const ceiling = await measure(echo.url, echo.pid, batch, seconds, dir);
      child.kill("SIGTERM");
      while (true) {
        const { done, value } = await lines.read();
        if (done) break;
        text += value;
      }
      await child.status;
      const line = text.split("\n").find((l) => l.startsWith('{"event":"stages"'));
      if (!line) throw new Error("The stage server printed no stage sums");
      const { requests, sums } = JSON.parse(line) as { requests: number; sums: number[] };
      const us = sums.map((ms) => (ms * 1000) / requests);
      const rows: [string, number][] = [
        ...STAGES.map((s, i): [string, number] => [s, us[i]]),
        ["all stages (wall)", us.reduce((a, b) => a + b, 0)],
        ["main thread CPU, this server", served.main],
        ["main thread CPU, JSON echo", ceiling.main],
        ["process CPU, this server", served.process],
        ["process CPU, JSON echo", ceiling.process],
      ];
      print(`\nbatch ${batch} (${requests} requests served):`);
      print("| stage | µs per request |");
      print("| --- | ---: |");
      for (const [name, value] of rows) print(`| ${name} | ${value.toFixed(1)} |`);
    }
  } finally {
    await echo.stop();
    await Deno.remove(dir, { recursive: true });
  }
  return 0;
}

if (import.meta.main) {
  if (Deno.args[0] === "--serve") serve();
  else Deno.exit(await main(Deno.args));
}

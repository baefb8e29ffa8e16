/**
 * `deno task bench:ab`: the request path's CPU cost at two revisions, in one
 * run. Starts the echo server, the service (`WORKERS=1`) as committed at
 * `--base` (default HEAD; unpacked with `git archive` into a temporary
 * folder) and the service of this working tree, then runs wrk at batch 1 and
 * 64 against each, interleaved (`--repeat` rounds of `--duration` seconds),
 * and prints the median server CPU µs per request of each and the two
 * targets' CPU ratios (`bench_report.ts`). On a machine shared with other
 * work this is how a change is judged: both revisions meet the same load in
 * the same minutes, and CPU per request moves far less than req/s.
 */
import { benchArgs } from "./_args.ts";
import { print, printError } from "../../lib/logger.ts";
import { REPO_ROOT, startBackend } from "../../testing/backend_process.ts";
import { cpuTargetRatios, medianRow, type WrkResult } from "./bench_report.ts";
import { run, scoring, startEcho, type Target, wrk } from "./bench.ts";

const BATCHES = [1, 64];

/** Start the backend of the tree at `root` (its own testing helper, so its own deno.json). */
async function startTree(name: string, root: string, modelDir: string): Promise<Target> {
  const helper = root === REPO_ROOT
    ? { startBackend }
    : await import(`${root}testing/backend_process.ts`) as { startBackend: typeof startBackend };
  const b = await helper.startBackend({
    env: { WORKERS: "1", MODEL_DIR: modelDir },
    timeoutMs: 120_000,
  });
  return { name, workers: 1, url: b.url, pid: b.pid, stop: () => b.stop("SIGTERM") };
}

/** Measure; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const values = benchArgs("bench:ab", argv, {
    base: { type: "string", default: "HEAD" },
    duration: { type: "string", default: "3" },
    repeat: { type: "string", default: "5" },
  });
  const seconds = Number(values.duration);
  const repeat = Number(values.repeat);
  if (!(seconds >= 1) || !Number.isInteger(repeat) || repeat < 1) {
    printError("bench:ab: --duration must be at least 1 second, --repeat a positive integer");
    return 2;
  }
  const base = await Deno.makeTempDir({ prefix: "bench-ab-base-" });
  const work = await Deno.makeTempDir({ prefix: "bench-ab-" });
  const modelDir = await Deno.makeTempDir({ prefix: "bench-ab-models-" });
  const targets: Target[] = [];
  try {
    const unpack = await run("sh", [
      "-c",
      `git -C "${REPO_ROOT}" archive "$0" | tar -x -C "${base}"`,
      values.base,
    ]);
    if (unpack.code !== 0) {
      printError(`bench:ab: cannot unpack ${values.base}: ${unpack.stderr}`);
      return 2;
    }
    const baseName = `base (${values.base})`;
    targets.push(await startEcho());
    // The base trains into the shared MODEL_DIR first; this tree then loads the same artifact.
    targets.push(await startTree(baseName, `${base}/`, modelDir));
    targets.push(await startTree("this tree", REPO_ROOT, modelDir));
    const runs = new Map<string, WrkResult[]>();
    const load = () => Deno.loadavg().map((n) => n.toFixed(2)).join(" / ");
    const loadStart = load();
    for (let round = 1; round <= repeat; round++) {
      for (const batch of BATCHES) {
        for (const t of targets) {
          printError(`bench:ab: round ${round}/${repeat} ${t.name} batch ${batch}`);
          const key = `${t.name}\u0000${batch}`;
          runs.set(key, [...(runs.get(key) ?? []), await wrk(t.url, t.pid, batch, seconds, work)]);
        }
      }
    }
    const loadEnd = load();
    const { forestUsPerReading } = scoring();
    const scoring64 = (forestUsPerReading * 64) / 1e6;
    const rows = targets.flatMap((t) =>
      BATCHES.map((b) => medianRow(t.name, b, runs.get(`${t.name}\u0000${b}`) ?? []))
    );
    const echo = targets[0].name;
    const cpu = (name: string, b: number) =>
      rows.find((r) => r.target === name && r.batch === b)?.cpuUsPerRequest?.toFixed(1) ?? "—";
    print(
      `wrk -t1 -c16, ${repeat} interleaved runs of ${seconds} s per cell, median; load average ` +
        `${loadStart} at the start, ${loadEnd} at the end; forest ${
          (scoring64 * 1e6).toFixed(0)
        } µs per 64 readings`,
    );
    print("| target | batch 1 CPU µs | batch 64 CPU µs | batch 1 CPU ratio | batch 64 CPU ratio |");
    print("| --- | ---: | ---: | ---: | ---: |");
    for (const { name } of targets) {
      const r = name === echo ? {} : cpuTargetRatios(rows, echo, name, scoring64);
      print(
        `| ${name} | ${cpu(name, 1)} | ${cpu(name, 64)} | ${r.batch1?.toFixed(3) ?? "—"} | ${
          r.batch64?.toFixed(3) ?? "—"
        } |`,
      );
    }
    return 0;
  } finally {
    for (const t of targets) await t.stop();
    for (const dir of [base, work, modelDir]) await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

/**
 * `deno task load`: open-loop load generator for `POST /predict`, taking the
 * workshop's `scripts/load.py` flags (`--url --rps --duration --batch-size
 * --workers --anomaly-rate --no-keepalive`) plus `--json`. A live progress line
 * goes to stderr, the final report to stdout. With `--kafka` it loads the
 * streaming path instead (tools/kafka/stream_load.ts).
 */
import { print, printError } from "../lib/logger.ts";
import { parseLoadArgs, USAGE } from "./load_args.ts";
import { formatProgress, formatReport } from "./load_report.ts";
import { type LoadProgress, runLoad } from "./load_runner.ts";
import { parseStreamLoadArgs, STREAM_USAGE } from "../tools/kafka/stream_load_args.ts";

const encoder = new TextEncoder();

/** `deno task load --kafka`: load on the streaming path (tools/kafka/stream_load.ts). */
async function streamMain(args: string[]): Promise<number> {
  let opts;
  try {
    opts = parseStreamLoadArgs(args, Deno.env.toObject());
  } catch (err) {
    printError(`load: ${(err as Error).message}\n\n${STREAM_USAGE}`);
    return 2;
  }
  if (opts === null) {
    print(STREAM_USAGE);
    return 0;
  }
  printError(
    `load: publishing to ${opts.readingsTopic} at ${opts.rate}/s for ${opts.duration} s, ` +
      `then waiting for group ${opts.group} (at most ${opts.drainTimeout} s)`,
  );
  // Loaded here: the Kafka client asks for more permissions than the HTTP path's --allow-net.
  const { formatStreamReport, runStreamLoad } = await import(
    "../tools/kafka/stream_load.ts"
  );
  const report = await runStreamLoad(opts);
  print(opts.json ? JSON.stringify(report, null, 2) : formatStreamReport(report, opts));
  return report.drained && report.published > 0 ? 0 : 1;
}

/** Run the CLI with `args`; returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  if (args.includes("--kafka")) return await streamMain(args);
  let opts;
  try {
    opts = parseLoadArgs(args);
  } catch (err) {
    printError(`load: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === null) {
    print(USAGE);
    return 0;
  }
  const tty = Deno.stderr.isTerminal();
  let lastLine = 0;
  const onProgress = (p: LoadProgress) => {
    const line = formatProgress(p);
    if (tty) {
      Deno.stderr.writeSync(encoder.encode(`\r${line}\x1b[K`));
    } else if (p.elapsed_s - lastLine >= 5 || p.elapsed_s >= p.duration_s) {
      // Logs (CI, pipes) get a line every 5 s instead of carriage-return redraws.
      lastLine = p.elapsed_s;
      printError(line);
    }
  };
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    const report = await runLoad(opts, { onProgress, signal: stop.signal });
    if (tty) Deno.stderr.writeSync(encoder.encode("\n"));
    print(opts.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok > 0 ? 0 : 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

/**
 * `deno task load`: open-loop load generator for `POST /predict`, taking the
 * workshop's `scripts/load.py` flags (`--url --rps --duration --batch-size
 * --workers --anomaly-rate --no-keepalive`) plus `--json`. A live progress line
 * goes to stderr, the final report to stdout.
 */
import { print, printError } from "../lib/logger.ts";
import { parseLoadArgs, USAGE } from "./load_args.ts";
import { formatProgress, formatReport } from "./load_report.ts";
import { type LoadProgress, runLoad } from "./load_runner.ts";

const encoder = new TextEncoder();

/** Run the CLI with `args`; returns the process exit code. */
export async function main(args: string[]): Promise<number> {
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

/**
 * The workshop's open-loop load (`loadtest/load.ts`: batch 64, 32 workers, no keep-alive) run in a
 * child process against one URL, for the benchmarks that compare two backends under it.
 */
import type { LoadReport } from "../../loadtest/load_runner.ts";
import { REPO_ROOT } from "../../testing/backend_process.ts";

/** Run the workshop load at `rps` for `seconds` against `url` and return its JSON report. */
export async function workshopLoad(url: string, rps: number, seconds: number): Promise<LoadReport> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      `${REPO_ROOT}loadtest/load.ts`,
      ...["--url", url, "--rps", String(rps), "--duration", String(seconds)],
      ...["--batch-size", "64", "--workers", "32", "--no-keepalive", "--json"],
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`deno task load failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)) as LoadReport;
}

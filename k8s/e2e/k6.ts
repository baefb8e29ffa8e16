/**
 * Runs `loadtest/k6/hpa.ts` from the host against a Service's ClusterIP
 * (kube-proxy picks a pod per connection; with NO_KEEPALIVE=1 every request is
 * a new connection, so pods the HPA adds get their share) and reads its
 * summary back.
 */
import assert from "node:assert/strict";
import { ROOT } from "../tests/_render.ts";
import { log, track } from "./cluster.ts";
import {
  type K6Summary,
  type LoadTotals,
  loadTotals,
  type LoadWindow,
  loadWindows,
} from "./timeline.ts";

/** A k6 run in progress. */
export interface K6Run {
  /** `Date.now()` when the k6 process was started. */
  startedAt: number;
  /** Resolves when k6 has finished, with its figures. */
  done: Promise<K6Result>;
}

/** Figures of a finished run. */
export interface K6Result {
  code: number;
  /** `Date.now()` when the arrivals started (after k6's init), as the script's setup() printed it. */
  loadStartMs: number;
  totals: LoadTotals;
  windows: LoadWindow[];
  output: string;
}

/** Options of one run. */
export interface K6Options {
  baseUrl: string;
  rate: number;
  durationS: number;
  windowS?: number;
  /** Readings per request (default 64, as in the guide). */
  batchSize?: number;
  /** Pre-allocated VUs (the guide's `--workers`). */
  vus?: number;
}

/** Start k6; the returned promise settles when it exits (0, or 99 when a threshold failed). */
export async function startK6(options: K6Options): Promise<K6Run> {
  const dir = await Deno.makeTempDir({ prefix: "k8s-e2e-k6-" });
  const summaryPath = `${dir}/summary.json`;
  const windowS = options.windowS ?? 5;
  const args = [
    "run",
    "--quiet",
    "--no-color",
    "--summary-export",
    summaryPath,
    "loadtest/k6/hpa.ts",
  ];
  const env: Record<string, string> = {
    K6_NO_USAGE_REPORT: "true",
    BASE_URL: options.baseUrl,
    NO_KEEPALIVE: "1",
    RATE: String(options.rate),
    DURATION: String(options.durationS),
    WINDOW_S: String(windowS),
    WORKERS: String(options.vus ?? 50),
    BATCH_SIZE: String(options.batchSize ?? 64),
  };
  log(
    `k6: ${options.rate} req/s × ${options.batchSize ?? 64} readings for ${options.durationS} s ` +
      `against ${options.baseUrl}`,
  );
  const startedAt = Date.now();
  const child = track(
    new Deno.Command("k6", { args, cwd: ROOT, env, stdout: "piped", stderr: "piped" }).spawn(),
  );
  const done = (async () => {
    const out = await child.output();
    const dec = new TextDecoder();
    const output = `${dec.decode(out.stdout)}\n${dec.decode(out.stderr)}`;
    // 99: a threshold failed (the shared gate); the caller judges the figures.
    if (out.code !== 0 && out.code !== 99) {
      throw new Error(`k6 exited ${out.code}:\n${output.slice(-3000)}`);
    }
    const summary = JSON.parse(await Deno.readTextFile(summaryPath)) as K6Summary;
    const start = /k6_start_ms=(\d+)/.exec(output);
    await Deno.remove(dir, { recursive: true });
    return {
      code: out.code,
      loadStartMs: start ? Number(start[1]) : startedAt,
      totals: loadTotals(summary),
      windows: loadWindows(summary, windowS),
      output,
    };
  })();
  return { startedAt, done };
}

/** The totals a scenario reports for its k6 run. */
export function loadFigures(
  result: K6Result,
): Pick<LoadTotals, "ok" | "failed" | "dropped" | "p99_ms"> {
  const { ok, failed, dropped, p99_ms } = result.totals;
  return { ok, failed, dropped, p99_ms };
}

/** Fail the scenario unless k6's requests were served and not one of them failed. */
export function assertNoneFailed(result: K6Result): void {
  assert.ok(result.totals.ok > 0, "requests were served");
  assert.equal(result.totals.failed, 0, `${result.totals.failed} requests failed`);
}

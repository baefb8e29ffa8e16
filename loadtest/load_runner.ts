/**
 * The open-loop engine behind `deno task load`. Arrivals follow a fixed
 * schedule (`rps` per second) whatever the server does; an arrival that finds
 * every worker busy is dropped and counted, a send that leaves more than
 * {@link LATE_MS} behind its schedule is counted as late, and latency is
 * measured from the scheduled time, so a slow server or a slow client shows up
 * in the figures instead of silently lowering the offered rate (coordinated
 * omission).
 */
import * as hdr from "hdr-histogram-js";
import type { LoadOptions } from "./load_args.ts";
import { predictBodies } from "./payload.ts";
import type { PredictResponse } from "../lib/contract.ts";

/** A send this many milliseconds behind its scheduled time counts as late. */
export const LATE_MS = 10;

/** Distinct request bodies generated up front (cycled through during the run). */
const BODY_POOL = 256;

/** Latency summary in milliseconds. */
export interface LatencySummary {
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** What a run did; `deno task load --json` prints exactly this. */
export interface LoadReport {
  /** The options the run used. */
  config: LoadOptions;
  /** Seconds from the first scheduled arrival until the last response (or timeout). */
  elapsed_s: number;
  /** Arrivals the schedule called for (`rps × duration`). */
  scheduled: number;
  /** Requests actually sent. */
  sent: number;
  /** Arrivals not sent because all `workers` were busy. */
  dropped: number;
  /** Sends that left more than {@link LATE_MS} after their scheduled time. */
  late: number;
  /** 2xx responses. */
  ok: number;
  /** Sent requests that did not get a 2xx (HTTP error, timeout, network error). */
  errors: number;
  /** Outcome counts: HTTP status codes as strings, plus "timeout" and "network_error". */
  by_status: Record<string, number>;
  /** Up to five distinct error messages for timeouts and network errors. */
  error_samples: string[];
  /** The schedule's rate, requests per second. */
  offered_rps: number;
  /** Requests sent per second of the load window. */
  sent_rps: number;
  /** 2xx responses per second of elapsed time. */
  achieved_rps: number;
  /** Latency of 2xx responses, from scheduled send to full response body; null when none. */
  latency_ms: LatencySummary | null;
  /** Largest delay between a scheduled arrival and its send, in milliseconds. */
  max_send_lag_ms: number;
  /** 2xx responses per serving instance (`served_by` in the response). */
  served_by: Record<string, number>;
  /** Readings scored in 2xx responses, and how many of them were flagged. */
  readings: number;
  anomalies: number;
}

/** A snapshot for the live progress line. */
export interface LoadProgress {
  elapsed_s: number;
  duration_s: number;
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  late: number;
  in_flight: number;
  /** 2xx responses per second since the previous snapshot. */
  rate: number;
  /** p99 of 2xx latency so far, milliseconds (0 before the first response). */
  p99_ms: number;
  /** Distinct `served_by` instances that answered since the previous snapshot (pods, as the HPA scales). */
  instances: number;
}

/** Hooks for {@link runLoad}. */
export interface RunLoadHooks {
  /** Called about every `progressIntervalMs` during the run. */
  onProgress?: (p: LoadProgress) => void;
  /** Default 1000. */
  progressIntervalMs?: number;
  /** Stops scheduling new arrivals (in-flight requests still finish). */
  signal?: AbortSignal;
}

/**
 * A pattern for one field of a `/predict` response, named through the contract so that renaming
 * the field there fails the type check here. The body is scanned, not parsed: at thousands of
 * requests per second `JSON.parse` of every prediction would load the client more than the server.
 */
const field = (name: keyof PredictResponse, value: string) =>
  new RegExp(`"${name}"\\s*:\\s*${value}`);
const SERVED_BY = field("served_by", '"([^"]*)"');
const ANOMALIES = field("anomalies", "(\\d+)");

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Run one open-loop load test against `${opts.url}/predict` and report what happened. */
export async function runLoad(opts: LoadOptions, hooks: RunLoadHooks = {}): Promise<LoadReport> {
  const bodies = predictBodies(
    Math.min(BODY_POOL, Math.max(1, Math.ceil(opts.rps * opts.duration))),
    opts.batchSize,
    { anomalyRate: opts.anomalyRate, seed: opts.seed, shift: opts.shift },
  );
  // A pool that keeps no idle connection closes each one after its response,
  // so every request opens a new TCP connection (load.py's flag promised this).
  const client = Deno.createHttpClient(opts.keepalive ? {} : { poolMaxIdlePerHost: 0 });
  const target = `${opts.url}/predict`;
  const timeoutMs = opts.timeout * 1000;
  // Microseconds, 3 significant digits; anything above twice the timeout is clamped.
  const maxTrackable = Math.max(2 * timeoutMs * 1000, 1_000_000);
  const hist = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: maxTrackable,
    numberOfSignificantValueDigits: 3,
  });

  const byStatus: Record<string, number> = {};
  const servedBy: Record<string, number> = {};
  const recentServers = new Set<string>();
  const errorSamples = new Set<string>();
  let sent = 0, ok = 0, errors = 0, dropped = 0, late = 0, inFlight = 0;
  let readings = 0, anomalies = 0, maxLag = 0, latencySum = 0;
  let lastDone = 0;
  const pending = new Set<Promise<void>>();
  const bump = (key: string) => byStatus[key] = (byStatus[key] ?? 0) + 1;

  async function send(due: number, body: string): Promise<void> {
    try {
      // `client` is Deno's fetch extension; the DOM lib's RequestInit does not know it.
      const init: RequestInit & { client: Deno.HttpClient } = {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
        client,
        signal: AbortSignal.timeout(timeoutMs),
      };
      const res = await fetch(target, init);
      const text = await res.text();
      const latency = performance.now() - due;
      bump(String(res.status));
      if (res.ok) {
        ok++;
        latencySum += latency;
        hist.recordValue(Math.min(maxTrackable, Math.max(1, Math.round(latency * 1000))));
        const who = SERVED_BY.exec(text)?.[1] ?? "unknown";
        servedBy[who] = (servedBy[who] ?? 0) + 1;
        recentServers.add(who);
        readings += opts.batchSize;
        anomalies += Number(ANOMALIES.exec(text)?.[1] ?? 0);
      } else {
        errors++;
      }
    } catch (err) {
      errors++;
      const e = err as Error;
      const kind = e.name === "TimeoutError" ? "timeout" : "network_error";
      bump(kind);
      if (errorSamples.size < 5) errorSamples.add(`${kind}: ${e.message}`);
    } finally {
      inFlight--;
      lastDone = performance.now();
    }
  }

  const interval = 1000 / opts.rps;
  const scheduled = Math.max(1, Math.floor(opts.duration * opts.rps));
  const t0 = performance.now();
  const progressEvery = hooks.progressIntervalMs ?? 1000;
  let nextProgress = t0 + progressEvery;
  let lastOk = 0, lastProgressAt = t0;
  const progress = (now: number) => {
    hooks.onProgress?.({
      elapsed_s: round((now - t0) / 1000, 1),
      duration_s: opts.duration,
      sent,
      ok,
      errors,
      dropped,
      late,
      in_flight: inFlight,
      rate: round(((ok - lastOk) * 1000) / Math.max(1, now - lastProgressAt), 1),
      p99_ms: ok > 0 ? round(hist.getValueAtPercentile(99) / 1000, 1) : 0,
      instances: recentServers.size,
    });
    recentServers.clear();
    lastOk = ok;
    lastProgressAt = now;
  };

  let i = 0;
  try {
    while (i < scheduled && !hooks.signal?.aborted) {
      const now = performance.now();
      while (i < scheduled && t0 + i * interval <= now) {
        const due = t0 + i * interval;
        const body = bodies[i % bodies.length];
        i++;
        if (inFlight >= opts.workers) {
          dropped++;
          continue;
        }
        const lag = now - due;
        if (lag > maxLag) maxLag = lag;
        if (lag > LATE_MS) late++;
        inFlight++;
        sent++;
        const p = send(due, body);
        pending.add(p);
        p.finally(() => pending.delete(p));
      }
      if (now >= nextProgress) {
        progress(now);
        nextProgress += progressEvery *
          Math.max(1, Math.ceil((now - nextProgress) / progressEvery));
      }
      if (i < scheduled) {
        await sleep(Math.max(0, Math.min(t0 + i * interval, nextProgress) - performance.now()));
      }
    }
    while (pending.size > 0) {
      await Promise.race([
        Promise.all(pending),
        sleep(Math.max(1, nextProgress - performance.now())),
      ]);
      const now = performance.now();
      if (now >= nextProgress && pending.size > 0) {
        progress(now);
        nextProgress = now + progressEvery;
      }
    }
  } finally {
    await Promise.allSettled(pending);
    client.close();
  }
  progress(performance.now());

  const loadWindow = Math.min(opts.duration, (i * interval) / 1000) || opts.duration;
  const elapsed = Math.max(loadWindow, ((lastDone || performance.now()) - t0) / 1000);
  // HDR percentiles report the top of their bucket, which can exceed the exact max.
  const ms = (us: number) => round(Math.min(us, hist.maxValue) / 1000, 3);
  return {
    config: opts,
    elapsed_s: round(elapsed, 3),
    scheduled,
    sent,
    dropped,
    late,
    ok,
    errors,
    by_status: byStatus,
    error_samples: [...errorSamples],
    offered_rps: opts.rps,
    sent_rps: round(sent / loadWindow),
    achieved_rps: round(ok / elapsed),
    latency_ms: ok === 0 ? null : {
      avg: round(latencySum / ok, 3),
      p50: ms(hist.getValueAtPercentile(50)),
      p95: ms(hist.getValueAtPercentile(95)),
      p99: ms(hist.getValueAtPercentile(99)),
      max: ms(hist.maxValue),
    },
    max_send_lag_ms: round(maxLag, 3),
    served_by: servedBy,
    readings,
    anomalies,
  };
}

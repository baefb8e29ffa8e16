/**
 * Autoscaling load with a timeline: a constant arrival rate (`RATE` requests/s
 * for `DURATION` s, 64 readings each) whose latency and outcomes are also
 * recorded per `WINDOW_S`-second window, so a report can plot p99 next to the
 * HPA's replica count. `deno task k8s:e2e` runs it against the backend
 * Service's ClusterIP; by hand:
 *
 *   k6 run -e BASE_URL=http://<cluster-ip>:8000 -e NO_KEEPALIVE=1 \
 *     --summary-export /tmp/hpa.json loadtest/k6/hpa.ts
 *
 * Per-window figures are k6 sub-metrics (`window_latency{w:N}`,
 * `window_ok{w:N}`, `window_failed{w:N}`); k6 only summarises a sub-metric
 * that has a threshold, so each window gets one that always holds. The
 * pass/fail gate is the shared one from options.ts.
 *
 * `NO_KEEPALIVE=1` matters on a cluster: a kept-alive connection stays on the
 * pod it first reached, so pods the HPA adds later would get no traffic.
 */
import { check } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import { Counter, Trend } from "k6/metrics";
import type { Options } from "k6/options";
import { BASE_URL, batchSize, constantRate, envNumber, TIME_SCALE, vuBodies } from "./options.ts";

const RATE = envNumber("RATE", 200);
const DURATION_S = envNumber("DURATION", 120);
const WINDOW_S = envNumber("WINDOW_S", 5);
const SIZE = batchSize(64);
// Eight bodies per VU (not the usual 32): VUs that k6 adds mid-run build theirs while arrivals
// wait, and with 1024-reading bodies that init costs seconds on a busy node.
const bodies = vuBodies(SIZE, 8);

if (!(WINDOW_S > 0)) throw new RangeError(`WINDOW_S must be positive, got ${WINDOW_S}`);
/** Windows covering the run plus the 30 s k6 waits for requests in flight at the end. */
const WINDOWS = Math.ceil((DURATION_S * TIME_SCALE + 30) / WINDOW_S);

const latency = new Trend("window_latency", true);
const ok = new Counter("window_ok");
const failed = new Counter("window_failed");

function windowThresholds(): NonNullable<Options["thresholds"]> {
  const t: NonNullable<Options["thresholds"]> = {};
  for (let w = 0; w < WINDOWS; w++) {
    // Always true: they exist so that the summary carries each window.
    t[`window_latency{w:${w}}`] = ["p(99)>=0"];
    t[`window_ok{w:${w}}`] = ["count>=0"];
    t[`window_failed{w:${w}}`] = ["count>=0"];
  }
  return t;
}

const base = constantRate("hpa", {
  rate: RATE,
  durationS: DURATION_S,
  preAllocatedVUs: envNumber("WORKERS", 50),
  maxVUs: 400,
});

/** The shared gate plus one always-true threshold per window and metric. */
export const options: Options = {
  ...base,
  thresholds: { ...base.thresholds, ...windowThresholds() },
};

const HEADERS = { "Content-Type": "application/json" };

/**
 * Runs once, after every VU's init (body generation) and right before the
 * arrivals start: prints the wall-clock start so a harness can line the
 * windows up with what it sampled meanwhile (`deno task k8s:e2e` does).
 */
export function setup(): void {
  // k6 has no logger but its console (it goes to k6's log on stderr, tagged source=console).
  // deno-lint-ignore no-console
  console.log(`k6_start_ms=${Date.now()}`);
}

/** One arrival: one `/predict`, recorded in the window it was sent in. */
export default function (): void {
  const w = String(Math.floor((Date.now() - exec.scenario.startTime) / 1000 / WINDOW_S));
  const res = http.post(`${BASE_URL}/predict`, bodies[Math.floor(Math.random() * bodies.length)], {
    headers: HEADERS,
    tags: { endpoint: "predict" },
    timeout: "10s",
  });
  const good = check(res, {
    "predict: status 200": (r) => r.status === 200,
    "predict: one prediction per reading": (r) => {
      const p = r.status === 200 ? r.json("predictions") : null;
      return Array.isArray(p) && p.length === SIZE;
    },
  });
  if (good) {
    ok.add(1, { w });
    latency.add(res.timings.duration, { w });
  } else {
    failed.add(1, { w });
  }
}

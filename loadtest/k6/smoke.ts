/**
 * Smoke: a short, bounded run (2 VUs, 40 iterations, at most 30 s) that walks
 * every endpoint a workshop participant touches and checks the contract. CI
 * runs it against the real backend; any failed threshold makes k6 exit 99.
 *
 *   k6 run -e BASE_URL=http://localhost:8000 loadtest/k6/smoke.ts
 */
import { check } from "k6";
import http from "k6/http";
import type { Options } from "k6/options";
import { BASE_URL, COMMON, envNumber, gate, predict, vuBodies } from "./options.ts";

const SIZE = envNumber("BATCH_SIZE", 8);
const bodies = vuBodies(SIZE, 8);

/** Bounded iterations, gated by the shared thresholds. */
export const options: Options = {
  ...COMMON,
  scenarios: {
    smoke: {
      executor: "shared-iterations",
      vus: 2,
      iterations: envNumber("ITERATIONS", 40),
      maxDuration: "30s",
    },
  },
  thresholds: gate(),
};

const BAD_INPUT = http.expectedStatuses({ min: 400, max: 499 });

/** One iteration: health, readiness, a prediction, a rejected body, and (sometimes) the metrics. */
export default function (): void {
  const health = http.get(`${BASE_URL}/health`, { tags: { endpoint: "health" } });
  check(health, { "health: status 200": (r) => r.status === 200 });
  const ready = http.get(`${BASE_URL}/ready`, { tags: { endpoint: "ready" } });
  check(ready, { "ready: status 200": (r) => r.status === 200 });

  predict(bodies[Math.floor(Math.random() * bodies.length)], SIZE);

  const bad = http.post(`${BASE_URL}/predict`, '{"readings":[{"voltage":"230"}]}', {
    headers: { "Content-Type": "application/json" },
    tags: { endpoint: "invalid" },
    responseCallback: BAD_INPUT,
  });
  check(bad, {
    "invalid: 4xx": (r) => r.status >= 400 && r.status < 500,
    "invalid: message names the field": (r) =>
      typeof r.body === "string" && r.body.includes("voltage"),
  });

  if (Math.random() < 0.25) {
    const metrics = http.get(`${BASE_URL}/metrics`, { tags: { endpoint: "metrics" } });
    check(metrics, {
      "metrics: workshop series present": (r) =>
        typeof r.body === "string" && r.body.includes("requests_total{") &&
        r.body.includes("request_latency_seconds_bucket"),
    });
  }
}

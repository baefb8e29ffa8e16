/**
 * The workshop's step 5 as a k6 script: 150 requests/s for 120 s with 64
 * readings each, as a constant-arrival-rate scenario, so a slow server cannot
 * slow the offered load (arrivals it cannot absorb show as dropped_iterations).
 *
 *   k6 run -e BASE_URL=http://localhost:8000 loadtest/k6/workshop.ts
 *
 * `RATE`, `DURATION` (seconds), `BATCH_SIZE`, `WORKERS` (pre-allocated VUs, the
 * guide's `--workers`), `NO_KEEPALIVE=1` (the guide's `--no-keepalive`).
 */
import type { Options } from "k6/options";
import { batchSize, constantRate, envNumber, predict, vuBodies } from "./options.ts";

const RATE = envNumber("RATE", 150);
const DURATION_S = envNumber("DURATION", 120);
const SIZE = batchSize(64);
const bodies = vuBodies(SIZE);

/** 150 req/s × 120 s, gated by the shared thresholds. */
export const options: Options = constantRate("workshop", {
  rate: RATE,
  durationS: DURATION_S,
  preAllocatedVUs: envNumber("WORKERS", 32),
  maxVUs: 300,
});

/** One arrival: one `/predict` request. */
export default function (): void {
  predict(bodies[Math.floor(Math.random() * bodies.length)], SIZE);
}

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
import {
  batchSize,
  COMMON,
  envNumber,
  gate,
  predict,
  seconds,
  TIME_SCALE,
  vuBodies,
} from "./options.ts";

const RATE = envNumber("RATE", 150);
const DURATION_S = envNumber("DURATION", 120);
const SIZE = batchSize(64);
const bodies = vuBodies(SIZE);

/** 150 req/s × 120 s, gated by the shared thresholds. */
export const options: Options = {
  ...COMMON,
  scenarios: {
    workshop: {
      executor: "constant-arrival-rate",
      rate: RATE,
      timeUnit: "1s",
      duration: seconds(DURATION_S),
      preAllocatedVUs: envNumber("WORKERS", 32),
      maxVUs: envNumber("MAX_VUS", 300),
    },
  },
  thresholds: gate({ expectedIterations: RATE * DURATION_S * TIME_SCALE }),
};

/** One arrival: one `/predict` request. */
export default function (): void {
  predict(bodies[Math.floor(Math.random() * bodies.length)], SIZE);
}

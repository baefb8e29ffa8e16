/**
 * Ramp: arrivals climb from 20 to 150 and then 300 requests/s and back to 0
 * over about nine minutes, to drive the HorizontalPodAutoscaler out and in.
 * Watch it with `kubectl -n anomaly get hpa -w` while this runs.
 *
 *   k6 run -e BASE_URL=http://localhost:8000 loadtest/k6/ramp.ts
 */
import type { Options } from "k6/options";
import { batchSize, predict, rampingRate, STAGES, vuBodies } from "./options.ts";

const SIZE = batchSize(64);
const bodies = vuBodies(SIZE);

/** Ramping arrival rate from the shared `ramp` preset. */
export const options: Options = rampingRate("ramp", {
  startRate: 5,
  preset: STAGES.ramp,
  preAllocatedVUs: 32,
  maxVUs: 400,
});

/** One arrival: one `/predict` request. */
export default function (): void {
  predict(bodies[Math.floor(Math.random() * bodies.length)], SIZE);
}

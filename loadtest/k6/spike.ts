/**
 * Spike: a steady 30 requests/s, a sudden jump to 400 requests/s for a minute,
 * then back to 30 for two minutes. Shows how fast the HPA reacts, what the
 * users see before new pods are ready, and how slowly it scales back in.
 *
 *   k6 run -e BASE_URL=http://localhost:8000 loadtest/k6/spike.ts
 */
import type { Options } from "k6/options";
import { batchSize, predict, rampingRate, STAGES, vuBodies } from "./options.ts";

const SIZE = batchSize(64);
const bodies = vuBodies(SIZE);

/** Ramping arrival rate from the shared `spike` preset. */
export const options: Options = rampingRate("spike", {
  startRate: 30,
  preset: STAGES.spike,
  preAllocatedVUs: 50,
  maxVUs: 600,
});

/** One arrival: one `/predict` request. */
export default function (): void {
  predict(bodies[Math.floor(Math.random() * bodies.length)], SIZE);
}

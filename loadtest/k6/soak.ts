/**
 * Soak: a moderate 50 requests/s for 30 minutes (`DURATION` seconds), to catch
 * slow leaks (memory, connections, metric series) that short runs hide.
 * Compare RSS and `/metrics` series counts at the start and the end.
 *
 *   k6 run -e BASE_URL=http://localhost:8000 loadtest/k6/soak.ts
 */
import type { Options } from "k6/options";
import { batchSize, constantRate, envNumber, predict, vuBodies } from "./options.ts";

const RATE = envNumber("RATE", 50);
const DURATION_S = envNumber("DURATION", 1800);
const SIZE = batchSize(64);
const bodies = vuBodies(SIZE);

/** Constant arrival rate for a long time, gated like the others. */
export const options: Options = constantRate("soak", {
  rate: RATE,
  durationS: DURATION_S,
  preAllocatedVUs: 16,
  maxVUs: 200,
});

/** One arrival: one `/predict` request. */
export default function (): void {
  predict(bodies[Math.floor(Math.random() * bodies.length)], SIZE);
}

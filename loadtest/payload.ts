/**
 * `/predict` request bodies built from the shared grid simulator. Pure
 * TypeScript with no Deno or k6 imports: `deno task load` and the k6 scripts
 * (which run ES modules and TypeScript directly) both use it, so every load
 * generator posts the same kind of data the detector was trained on.
 */
import { type Shift, Simulator, toReading } from "../lib/simulator/simulator.ts";
import { assertInRange } from "../lib/ranges.ts";

/** Options for {@link predictBodies}. */
export interface PredictBodiesOptions {
  /** Probability in [0, 1] that a reading is an injected anomaly. Default 0.05. */
  anomalyRate?: number;
  /** Simulator seed; the same seed gives the same bodies. Default 42. */
  seed?: number;
  /** Drift on purpose (`lib/simulator/shift.ts`). Default none. */
  shift?: Shift;
}

/**
 * `count` JSON bodies of `batchSize` readings each, from one seeded simulator
 * stream (so consecutive bodies continue in time and differ from each other).
 */
export function predictBodies(
  count: number,
  batchSize: number,
  options: PredictBodiesOptions = {},
): string[] {
  assertInRange({ name: "Body count", min: 1, integer: true }, count);
  assertInRange({ name: "Batch size", min: 1, integer: true }, batchSize);
  const sim = new Simulator({
    seed: options.seed ?? 42,
    anomalyRate: options.anomalyRate ?? 0.05,
    ...(options.shift ? { shift: options.shift } : {}),
  });
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    bodies.push(JSON.stringify({ readings: sim.batch(batchSize).map(toReading) }));
  }
  return bodies;
}

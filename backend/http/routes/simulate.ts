/** `GET /simulate?n=&anomaly_rate=&seed=`: labeled simulated readings to feed `/predict`. */
import { Hono } from "hono";
import type { FieldError } from "../../../lib/problem.ts";
import { HttpError } from "../../../lib/problem.ts";
import { simulate } from "../../../lib/simulator/simulator.ts";
import { describeRange, inRange, type Range } from "../../../lib/ranges.ts";

// The seed is a uint32, as the simulator's PRNG takes it.
const SEED_RANGE: Range = { min: 0, max: 0xffff_ffff, integer: true };

/** What the simulate route needs. */
export interface SimulateDeps {
  /** Largest `n` accepted (MAX_BATCH, so the output can be posted as one batch). */
  maxReadings: number;
}

/** Create the simulate sub-app. */
export function simulateRoutes(deps: SimulateDeps): Hono {
  const app = new Hono();
  app.get("/simulate", (c) => {
    const errors: FieldError[] = [];
    const param = (name: string, fallback: number, range: Range) => {
      const raw = c.req.query(name);
      if (raw === undefined || raw === "") return fallback;
      const value = Number(raw);
      if (!inRange(range, value)) {
        const path = `query.${name}`;
        errors.push({
          path,
          message: `${path} must be ${describeRange(range)}, got ${
            JSON.stringify(raw.slice(0, 40))
          }`,
        });
      }
      return value;
    };
    const n = param("n", 64, { min: 1, max: deps.maxReadings, integer: true });
    const anomalyRate = param("anomaly_rate", 0.05, { min: 0, max: 1 });
    const seed = param("seed", crypto.getRandomValues(new Uint32Array(1))[0], SEED_RANGE);
    if (errors.length > 0) throw new HttpError("validation", errors[0].message, { errors });
    // The default start time keeps output a pure function of (n, anomaly_rate, seed).
    const readings = simulate(n, { seed, anomalyRate });
    return c.json({ seed, anomaly_rate: anomalyRate, n, readings });
  });
  return app;
}

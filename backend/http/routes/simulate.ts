/** `GET /simulate?n=&anomaly_rate=&seed=`: labeled simulated readings to feed `/predict`. */
import { Hono } from "hono";
import type { FieldError } from "../../../lib/problem.ts";
import { HttpError } from "../../../lib/problem.ts";
import { simulate } from "../../../lib/simulator/simulator.ts";

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
    const param = (name: string, fallback: number, check: (v: number) => boolean, rule: string) => {
      const raw = c.req.query(name);
      if (raw === undefined || raw === "") return fallback;
      const value = Number(raw);
      if (!check(value)) {
        const path = `query.${name}`;
        errors.push({
          path,
          message: `${path} must be ${rule}, got ${JSON.stringify(raw.slice(0, 40))}`,
        });
      }
      return value;
    };
    const n = param(
      "n",
      64,
      (v) => Number.isInteger(v) && v >= 1 && v <= deps.maxReadings,
      `an integer from 1 to ${deps.maxReadings}`,
    );
    const anomalyRate = param(
      "anomaly_rate",
      0.05,
      (v) => v >= 0 && v <= 1,
      "a number from 0 to 1",
    );
    const seed = param(
      "seed",
      crypto.getRandomValues(new Uint32Array(1))[0],
      (v) => Number.isInteger(v) && v >= 0 && v <= 4_294_967_295,
      "an integer from 0 to 4294967295",
    );
    if (errors.length > 0) throw new HttpError("validation", errors[0].message, { errors });
    // The default start time keeps output a pure function of (n, anomaly_rate, seed).
    const readings = simulate(n, { seed, anomalyRate });
    return c.json({ seed, anomaly_rate: anomalyRate, n, readings });
  });
  return app;
}

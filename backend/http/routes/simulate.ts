/**
 * `GET /simulate?n=&anomaly_rate=&seed=`: labeled simulated readings to feed `/predict`, optionally
 * shifted on purpose for the drift exercise (`voltage_scale`, `current_scale`, `frequency_offset`).
 */
import { Hono } from "hono";
import type { FieldError } from "../../../lib/problem.ts";
import { HttpError } from "../../../lib/problem.ts";
import { type Shift, simulate } from "../../../lib/simulator/simulator.ts";
import { SHIFT_PARAMS } from "../../../lib/simulator/shift.ts";
import { describeRange, inRange, type Range } from "../../../lib/ranges.ts";

/** A query parameter of `/simulate`: what it accepts and its value when omitted. */
export interface SimulateParam {
  range: Range;
  /** The value when omitted; absent for the seed, which is then random (and returned). */
  default?: number;
}

/**
 * The query parameters of `/simulate` for a MAX_BATCH of `maxReadings`: read
 * by the route and by the OpenAPI document, so what is documented is enforced.
 */
export function simulateParams(maxReadings: number): {
  n: SimulateParam;
  anomaly_rate: SimulateParam;
  seed: SimulateParam;
  voltage_scale: SimulateParam;
  current_scale: SimulateParam;
  frequency_offset: SimulateParam;
} {
  return {
    // By default a batch the workshop posts as it is; never more than one request may carry.
    n: { range: { min: 1, max: maxReadings, integer: true }, default: Math.min(64, maxReadings) },
    anomaly_rate: { range: { min: 0, max: 1 }, default: 0.05 },
    // A uint32, as the simulator's PRNG takes it.
    seed: { range: { min: 0, max: 0xffff_ffff, integer: true } },
    // Drift on purpose (lib/simulator/shift.ts owns the ranges).
    voltage_scale: { ...SHIFT_PARAMS.voltage_scale },
    current_scale: { ...SHIFT_PARAMS.current_scale },
    frequency_offset: { ...SHIFT_PARAMS.frequency_offset },
  };
}

/** What the simulate route needs. */
export interface SimulateDeps {
  /** Largest `n` accepted (MAX_BATCH, so the output can be posted as one batch). */
  maxReadings: number;
}

/** Create the simulate sub-app. */
export function simulateRoutes(deps: SimulateDeps): Hono {
  const app = new Hono();
  const params = simulateParams(deps.maxReadings);
  app.get("/simulate", (c) => {
    const errors: FieldError[] = [];
    const param = (name: keyof typeof params, fallback: number) => {
      const { range } = params[name];
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
    const n = param("n", params.n.default!);
    const anomalyRate = param("anomaly_rate", params.anomaly_rate.default!);
    const seed = param("seed", crypto.getRandomValues(new Uint32Array(1))[0]);
    const shift: Shift = {};
    const shifted: Record<string, number> = {};
    for (const name of ["voltage_scale", "current_scale", "frequency_offset"] as const) {
      const value = param(name, params[name].default!);
      if (value !== params[name].default) {
        shift[SHIFT_PARAMS[name].key] = value;
        shifted[name] = value;
      }
    }
    if (errors.length > 0) throw new HttpError("validation", errors[0].message, { errors });
    // The default start time keeps output a pure function of (n, anomaly_rate, seed, shift).
    const readings = simulate(n, { seed, anomalyRate, shift });
    return c.json({ seed, anomaly_rate: anomalyRate, n, shift: shifted, readings });
  });
  return app;
}

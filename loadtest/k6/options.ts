/**
 * Shared k6 options: the target from `BASE_URL`, stage presets, the
 * thresholds that are every script's pass/fail gate, and the `/predict` call
 * with its checks. Payloads come from the backend's own simulator via
 * `../payload.ts` (k6 v1 runs local TypeScript modules directly).
 *
 * Environment (all optional): `BASE_URL` (default http://127.0.0.1:8000),
 * `BATCH_SIZE`, `ANOMALY_RATE`, `NO_KEEPALIVE=1` (a new connection per request,
 * like `deno task load --no-keepalive`), `P95_MS`, `P99_MS` (latency gate),
 * `TIME_SCALE` (multiplies every stage and scenario duration: 0.1 for a quick
 * rehearsal of a long profile).
 */
import { check } from "k6";
import http from "k6/http";
import type { Options, Stage } from "k6/options";
import { predictBodies } from "../payload.ts";
import { parseInRange } from "../../lib/ranges.ts";

/** Backend base URL, without a trailing slash. */
export const BASE_URL: string = (__ENV.BASE_URL || "http://127.0.0.1:8000").replace(/\/+$/, "");

/** A numeric environment variable, or `fallback` when unset; throws on garbage. */
export function envNumber(name: string, fallback: number): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === "") return fallback;
  const parsed = parseInRange({}, raw);
  if (!parsed.ok) throw new RangeError(`${name} must be ${parsed.problem}, got "${raw}"`);
  return parsed.value;
}

/** Duration multiplier from `TIME_SCALE` (default 1). */
export const TIME_SCALE: number = envNumber("TIME_SCALE", 1);

/** `seconds × TIME_SCALE` as a k6 duration string (at least one second). */
export function seconds(s: number): string {
  return `${Math.max(1, Math.round(s * TIME_SCALE))}s`;
}

/** The latency objective the gate and the dashboard share: p95 under 300 ms, p99 under 1.2 s. */
export const SLO = {
  p95Ms: envNumber("P95_MS", 300),
  p99Ms: envNumber("P99_MS", 1200),
} as const;

/** Arrival-rate stage presets as `[seconds, target requests/s]`. */
export const STAGES = {
  /** Climb past what one pod serves, hold so the HPA scales out, then let it scale in. */
  ramp: [[30, 20], [120, 150], [180, 150], [60, 300], [120, 300], [60, 0]],
  /** A sudden tenfold burst on a steady base, then back to base to watch scale-in. */
  spike: [[10, 30], [60, 30], [10, 400], [60, 400], [10, 30], [120, 30]],
} as const satisfies Record<string, readonly (readonly [number, number])[]>;

/** Turn a preset into k6 stages, scaled by `TIME_SCALE`. */
export function stages(preset: readonly (readonly [number, number])[]): Stage[] {
  return preset.map(([s, target]) => ({ duration: seconds(s), target }));
}

/** Options for {@link gate}. */
export interface GateOptions {
  /** Arrivals the scenario will schedule: dropped iterations must stay under 1 % of them. */
  expectedIterations?: number;
}

/**
 * The pass/fail gate: failed requests under 1 %, `/predict` p95/p99 under the
 * SLO, checks above 99 %, and (for arrival-rate scenarios) fewer than 1 %
 * dropped arrivals. k6 exits 99 when any of them fails.
 */
export function gate(options: GateOptions = {}): NonNullable<Options["thresholds"]> {
  const t: NonNullable<Options["thresholds"]> = {
    http_req_failed: ["rate<0.01"],
    "http_req_duration{endpoint:predict}": [`p(95)<${SLO.p95Ms}`, `p(99)<${SLO.p99Ms}`],
    checks: ["rate>0.99"],
  };
  if (options.expectedIterations !== undefined) {
    t.dropped_iterations = [`count<${Math.max(1, Math.ceil(options.expectedIterations * 0.01))}`];
  }
  return t;
}

/** Options every script shares (summary percentiles, connection reuse). */
export const COMMON: Options = {
  summaryTrendStats: ["avg", "min", "med", "p(90)", "p(95)", "p(99)", "max"],
  noConnectionReuse: __ENV.NO_KEEPALIVE === "1",
};

/** Shape of one arrival-rate scenario built by {@link constantRate} or {@link rampingRate}. */
export interface ArrivalScenario {
  /** VUs k6 allocates up front, and at most (`MAX_VUS` overrides `maxVUs`). */
  preAllocatedVUs: number;
  maxVUs: number;
}

/** Options for a constant-arrival-rate scenario `name`: `rate` arrivals/s for `durationS`, gated. */
export function constantRate(
  name: string,
  scenario: ArrivalScenario & { rate: number; durationS: number },
): Options {
  return {
    ...COMMON,
    scenarios: {
      [name]: {
        executor: "constant-arrival-rate",
        rate: scenario.rate,
        timeUnit: "1s",
        duration: seconds(scenario.durationS),
        preAllocatedVUs: scenario.preAllocatedVUs,
        maxVUs: envNumber("MAX_VUS", scenario.maxVUs),
      },
    },
    thresholds: gate({ expectedIterations: scenario.rate * scenario.durationS * TIME_SCALE }),
  };
}

/** Options for a ramping-arrival-rate scenario `name` following a {@link STAGES} preset, gated. */
export function rampingRate(
  name: string,
  scenario: ArrivalScenario & { startRate: number; preset: readonly (readonly [number, number])[] },
): Options {
  return {
    ...COMMON,
    scenarios: {
      [name]: {
        executor: "ramping-arrival-rate",
        startRate: scenario.startRate,
        timeUnit: "1s",
        preAllocatedVUs: scenario.preAllocatedVUs,
        maxVUs: envNumber("MAX_VUS", scenario.maxVUs),
        stages: stages(scenario.preset),
      },
    },
    thresholds: gate(),
  };
}

/** Readings per `/predict` request (`BATCH_SIZE`, default `fallback`). */
export function batchSize(fallback = 64): number {
  return envNumber("BATCH_SIZE", fallback);
}

/**
 * Request bodies for this VU, generated once in the init context from the
 * shared simulator (seeded per VU so VUs send different readings).
 */
export function vuBodies(size: number, count = 32): string[] {
  return predictBodies(count, size, {
    anomalyRate: envNumber("ANOMALY_RATE", 0.05),
    seed: 1000 + (typeof __VU === "number" ? __VU : 0),
  });
}

const JSON_HEADERS = { "Content-Type": "application/json" };

/** POST one body to `/predict` and check the response contract. */
export function predict(body: string, size: number): void {
  const res = http.post(`${BASE_URL}/predict`, body, {
    headers: JSON_HEADERS,
    tags: { endpoint: "predict" },
  });
  check(res, {
    "predict: status 200": (r) => r.status === 200,
    "predict: one prediction per reading": (r) => {
      const p = r.status === 200 ? r.json("predictions") : null;
      return Array.isArray(p) && p.length === size;
    },
    "predict: served_by present": (r) =>
      r.status === 200 && typeof r.json("served_by") === "string",
  });
}

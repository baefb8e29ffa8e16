/** The shape of one e2e scenario and what it gets to work with. */
import type { E2eReport } from "./report.ts";
import { parseInRange } from "../../lib/ranges.ts";

/** Shared state of a run. */
export interface Context {
  report: E2eReport;
  /** Figures of this scenario: merged into `report[section]`. */
  section(name: string): Record<string, unknown>;
}

/** One scenario: assertions throw; figures go into the report. */
export interface Scenario {
  name: string;
  /** What it proves, one line (printed and kept in the report). */
  description: string;
  run(ctx: Context): Promise<void>;
}

/** Seconds elapsed since `start` (a `performance.now()` value), one decimal. */
export function since(start: number): number {
  return Math.round((performance.now() - start) / 100) / 10;
}

/** A positive integer setting of a scenario from the environment (`E2E_*`), else `fallback`. */
export function envInt(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return fallback;
  const parsed = parseInRange({ min: 1, integer: true }, raw);
  if (!parsed.ok) throw new RangeError(`${name} must be ${parsed.problem}, got "${raw}"`);
  return parsed.value;
}

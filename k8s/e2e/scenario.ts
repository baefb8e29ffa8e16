/** The shape of one e2e scenario and what it gets to work with. */
import type { E2eReport } from "./report.ts";

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

/**
 * Number-in-range checks and their wording, one set for the whole tree: the
 * backend's and the UI's environment, the CLI's flags, the simulator's
 * options, the detector's configs and the load tools' arguments all describe
 * a range the same way, so the same kind of mistake reads the same wherever
 * it is made:
 *
 * - an integer with both bounds: "an integer from 1 to 1000"
 * - a number with both bounds: "between 0 and 1", "between 0 and 1 (exclusive)",
 *   "greater than 0 and at most 0.5", "at least 0 and less than 1"
 * - a lower bound only: "a positive integer", "a non-negative integer",
 *   "an integer of at least 2", "a positive number", "at least 0.5"
 * - an upper bound only: "at most 10", "an integer of at most 10"
 * - no bound: "an integer", "a finite number"
 *
 * Callers write the name and the value around it, or let {@link assertInRange}
 * do it: `Meter count must be an integer from 1 to 1000, got 0`.
 */

/** Allowed numbers: optional bounds (inclusive unless marked exclusive) and integers only or not. */
export interface Range {
  /** Lowest allowed value (none when absent). */
  readonly min?: number;
  /** Highest allowed value (none when absent). */
  readonly max?: number;
  /** Only whole numbers. */
  readonly integer?: boolean;
  /** `min` itself is not allowed (contamination must be above 0). */
  readonly exclusiveMin?: boolean;
  /** `max` itself is not allowed. */
  readonly exclusiveMax?: boolean;
}

/** Whether `value` is a finite number, and a whole one if `range` asks for integers. */
export function isKind(range: Range, value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value));
}

/** Whether `value` is a number of the right kind within the bounds of `range`. */
export function inRange(range: Range, value: unknown): value is number {
  if (!isKind(range, value)) return false;
  const { min, max } = range;
  if (min !== undefined && (range.exclusiveMin ? value <= min : value < min)) return false;
  if (max !== undefined && (range.exclusiveMax ? value >= max : value > max)) return false;
  return true;
}

/** The kind alone, for text that is not even a number: "an integer" or "a number". */
export function describeKind(range: Range): string {
  return range.integer ? "an integer" : "a number";
}

/** What `range` allows, in the words that follow "must be" (see the module comment). */
export function describeRange(range: Range): string {
  if (range.integer) return describeIntegers(range);
  const { min, max } = range;
  if (min !== undefined && max !== undefined) {
    if (range.exclusiveMin && range.exclusiveMax) return `between ${min} and ${max} (exclusive)`;
    if (range.exclusiveMin) return `greater than ${min} and at most ${max}`;
    if (range.exclusiveMax) return `at least ${min} and less than ${max}`;
    return `between ${min} and ${max}`;
  }
  if (min !== undefined) {
    if (range.exclusiveMin) return min === 0 ? "a positive number" : `greater than ${min}`;
    return `at least ${min}`;
  }
  if (max !== undefined) return range.exclusiveMax ? `less than ${max}` : `at most ${max}`;
  return "a finite number";
}

// Integer bounds are said inclusively: "greater than 0" is "at least 1" for integers.
function describeIntegers(range: Range): string {
  const low = range.min === undefined
    ? undefined
    : range.exclusiveMin
    ? Math.floor(range.min) + 1
    : Math.ceil(range.min);
  const high = range.max === undefined
    ? undefined
    : range.exclusiveMax
    ? Math.ceil(range.max) - 1
    : Math.floor(range.max);
  if (low !== undefined && high !== undefined) return `an integer from ${low} to ${high}`;
  if (low === 0) return "a non-negative integer";
  if (low === 1) return "a positive integer";
  if (low !== undefined) return `an integer of at least ${low}`;
  if (high !== undefined) return `an integer of at most ${high}`;
  return "an integer";
}

/**
 * What is wrong with `value` for `range` in the words that follow "must be",
 * or null when it fits. A value of the wrong kind (not a number, or not whole)
 * gets only the kind ("an integer"), one out of bounds the whole range: the
 * two-step wording of settings read from text, where the raw text is quoted.
 */
export function rangeProblem(range: Range, value: unknown): string | null {
  if (!isKind(range, value)) return describeKind(range);
  return inRange(range, value) ? null : describeRange(range);
}

/** The result of {@link parseInRange}: the number, or what it must be. */
export type Parsed = { ok: true; value: number } | { ok: false; problem: string };

/**
 * Read a number from text (an environment variable, a flag, a query
 * parameter) and check it against `range`. Blank text is not a number; the
 * problem is in the words of {@link rangeProblem}.
 */
export function parseInRange(range: Range, raw: string): Parsed {
  const value = raw.trim() === "" ? NaN : Number(raw);
  const problem = rangeProblem(range, value);
  return problem === null ? { ok: true, value } : { ok: false, problem };
}

/** The JSON Schema keywords (OpenAPI 3.1) of `range`: its type and bounds. */
export function rangeSchema(range: Range): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: range.integer ? "integer" : "number" };
  if (range.min !== undefined) {
    schema[range.exclusiveMin ? "exclusiveMinimum" : "minimum"] = range.min;
  }
  if (range.max !== undefined) {
    schema[range.exclusiveMax ? "exclusiveMaximum" : "maximum"] = range.max;
  }
  return schema;
}

/** A {@link Range} with the name of what it bounds, for messages ("Meter count"). */
export interface NamedRange extends Range {
  /** What the value is, in sentence case: the start of the error message. */
  readonly name: string;
}

/**
 * Return `value` when it is in `range`; otherwise throw a RangeError
 * "`range.name` must be `describeRange(range)`, got `value`".
 */
export function assertInRange(range: NamedRange, value: unknown): number {
  if (!inRange(range, value)) {
    throw new RangeError(`${range.name} must be ${describeRange(range)}, got ${value}`);
  }
  return value;
}

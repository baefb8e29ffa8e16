/**
 * Island props travel from the server to the browser as JSON, so they must be
 * plain data (Fresh's rule): no functions, class instances, cycles or
 * non-finite numbers. This module checks that and serializes them safely for
 * embedding in a `<script type="application/json">` element.
 */
import { describeRange, inRange, type Range } from "../../lib/ranges.ts";

// JSON has no NaN or Infinity: any finite number, and only those.
const ANY_NUMBER: Range = {};

/** Throw a TypeError naming the first value under `path` that JSON cannot carry faithfully. */
export function assertJsonSafe(value: unknown, path = "props"): void {
  check(value, path, new Set());
}

function check(value: unknown, path: string, seen: Set<unknown>): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!inRange(ANY_NUMBER, value)) {
      throw new TypeError(`Island prop ${path} must be ${describeRange(ANY_NUMBER)}, got ${value}`);
    }
    return;
  }
  if (typeof value !== "object") {
    throw new TypeError(`Island prop ${path} must be plain JSON data, got a ${typeof value}`);
  }
  if (seen.has(value)) throw new TypeError(`Island prop ${path} is a circular reference`);
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((v, i) => check(v, `${path}[${i}]`, seen));
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as object).constructor?.name ?? "object";
      throw new TypeError(`Island prop ${path} must be a plain object, got a ${name}`);
    }
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      check(v, `${path}.${k}`, seen);
    }
  }
  seen.delete(value);
}

/** JSON for a `<script>` element: `<`, `>`, `&` and line separators escaped so no markup can end it early. */
export function serializeForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

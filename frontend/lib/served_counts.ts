/**
 * Requests answered per serving instance (`served_by`): the increments
 * between two cumulative reports (a burst's progress), running totals, and
 * the busiest instances (the bars the instance chart shows).
 */
import type { ServedCounts } from "./bus.ts";

/** What `now` adds to `before`, per instance; instances without new requests are left out. */
export function servedDelta(before: ServedCounts, now: ServedCounts): ServedCounts {
  const delta: ServedCounts = {};
  for (const [who, n] of Object.entries(now)) {
    const d = n - (before[who] ?? 0);
    if (d > 0) delta[who] = d;
  }
  return delta;
}

/** Add `delta` into `totals` in place. */
export function addServed(totals: ServedCounts, delta: ServedCounts): void {
  for (const [who, n] of Object.entries(delta)) totals[who] = (totals[who] ?? 0) + n;
}

/** The `n` instances with the most requests, busiest first. */
export function busiest(totals: ServedCounts, n = Infinity): [string, number][] {
  return Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, n);
}

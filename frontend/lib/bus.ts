/**
 * Events between islands on one page. Islands are hydrated separately, so
 * they share state through a module: the build puts this file in a chunk all
 * islands import, which makes it one instance per page.
 */

/** Requests answered per serving instance (`served_by`), as increments. */
export type ServedCounts = Record<string, number>;

type Listener = (counts: ServedCounts) => void;

const listeners = new Set<Listener>();

/** Report that instances answered requests (e.g. `{ "pod-a:1": 1 }`). */
export function emitServed(counts: ServedCounts): void {
  for (const l of listeners) l(counts);
}

/** Listen to {@link emitServed}; returns the function that stops listening. */
export function onServed(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

type OutcomeListener = (ok: boolean) => void;

const outcomeListeners = new Set<OutcomeListener>();

/** Report whether a request through the proxy reached the backend (so the status badge can re-check at once). */
export function emitBackendOutcome(ok: boolean): void {
  for (const l of outcomeListeners) l(ok);
}

/** Listen to {@link emitBackendOutcome}; returns the function that stops listening. */
export function onBackendOutcome(listener: OutcomeListener): () => void {
  outcomeListeners.add(listener);
  return () => outcomeListeners.delete(listener);
}

/**
 * A route handler's context for unit tests of `routes/`: the shared state
 * with only what a handler under test needs, the rest left out on purpose
 * (a handler that reaches for it fails loudly).
 */
import { silentLogger } from "../../lib/logger.ts";
import { UiShutdown } from "../shutdown.ts";
import type { RouteContext, UiState } from "../state.ts";

/** A context with `state` over a silent logger, a UiShutdown still serving, and the given parts. */
export function routeContext(
  state: Partial<UiState> = {},
  more: Partial<Omit<RouteContext, "state">> = {},
): RouteContext {
  const full = {
    logger: silentLogger,
    shutdown: new UiShutdown(),
    config: { bodyTimeoutMs: 1_000 },
    ...state,
  } as UiState;
  return { params: {}, ...more, state: full };
}

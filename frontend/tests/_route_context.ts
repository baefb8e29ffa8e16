/**
 * A route handler's context for unit tests of `routes/`: the shared state
 * with only what a handler under test needs, the rest left out on purpose
 * (a handler that reaches for it fails loudly).
 */
import { silentLogger } from "../../lib/logger.ts";
import { UiLifecycle } from "../shutdown.ts";
import type { RouteContext, UiState } from "../state.ts";

/** A context with `state` over a silent logger, a serving lifecycle and the given parts. */
export function routeContext(
  state: Partial<UiState> = {},
  more: Partial<Omit<RouteContext, "state">> = {},
): RouteContext {
  const full = {
    logger: silentLogger,
    lifecycle: new UiLifecycle(),
    config: { bodyTimeoutMs: 1_000 },
    ...state,
  } as UiState;
  return { params: {}, ...more, state: full };
}

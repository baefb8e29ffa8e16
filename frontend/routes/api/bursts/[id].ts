/**
 * `GET /api/bursts/:id` reports a burst's progress; `DELETE` cancels it. The
 * id is a random UUID: knowing it is what lets a client read or cancel.
 */
import { UiError } from "../../../problem.ts";
import type { Handlers } from "../../../state.ts";

/** One burst's handlers. */
export const handler: Handlers = {
  GET(_req, { params, state }) {
    const status = state.bursts.get(params.id);
    if (!status) throw new UiError("not-found", `No burst "${params.id}"`);
    return Response.json(status, { headers: { "cache-control": "no-store" } });
  },
  DELETE(_req, { params, state }) {
    if (!state.bursts.cancel(params.id)) throw new UiError("not-found", `No burst "${params.id}"`);
    return Response.json({ cancelled: true }, { status: 202 });
  },
};

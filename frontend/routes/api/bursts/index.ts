/**
 * `POST /api/bursts`: start a burst run by the UI server. The body is capped
 * (`BURST_MAX_BODY_BYTES`) and must arrive within `BODY_TIMEOUT_MS`; the spec
 * is validated against the per-field limits and the work budget. A draining
 * server starts none (503): the pod is going away.
 */
import { BURST_MAX_BODY_BYTES, parseBurstSpec } from "../../../bursts.ts";
import { UiError } from "../../../problem.ts";
import { readBody } from "../../../read_body.ts";
import type { Handlers } from "../../../state.ts";

/** Burst collection handlers. */
export const handler: Handlers = {
  async POST(req, { state }) {
    if (state.shutdown.draining) {
      // The body is left unread (lib/bounded_body.ts says why); the connection closes.
      throw new UiError(
        "shutting-down",
        "The UI server is shutting down and starts no new bursts",
        { headers: { "retry-after": "5", connection: "close" } },
      );
    }
    const bytes = await readBody(req, {
      maxBytes: BURST_MAX_BODY_BYTES,
      timeoutMs: state.config.bodyTimeoutMs,
      limitName: "BURST_MAX_BODY_BYTES",
    });
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      throw new UiError("validation", "Burst request body must be JSON");
    }
    const status = state.bursts.start(parseBurstSpec(body));
    state.logger.info("burst_started", { id: status.id, ...status.spec });
    return Response.json(status, {
      status: 202,
      headers: { location: `/api/bursts/${status.id}` },
    });
  },
};

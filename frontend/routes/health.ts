/**
 * `GET /health`: the UI's own liveness and readiness. It never asks the
 * backend, so a backend outage does not take the UI out of its Service; it
 * turns 503 on SIGTERM so the Service stops sending new requests here.
 */
import type { Handlers } from "../state.ts";

/** Health handlers. */
export const handler: Handlers = {
  GET(_req, { state }) {
    const built = state.staticFiles.buildId !== null;
    if (state.shutdown.draining) {
      return Response.json({ status: "draining", service: "anomaly-ui", built }, {
        status: 503,
        headers: { "cache-control": "no-store" },
      });
    }
    return Response.json({ status: "ok", service: "anomaly-ui", built });
  },
};

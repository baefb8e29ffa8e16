/**
 * A fake `/predict` server for load-generator tests: the raw server from
 * `testing/raw_http_server.ts` answering with a `/predict`-shaped body whose
 * `served_by` alternates between two instances by connection.
 */
import type { PredictResponse } from "../lib/contract.ts";
import { type RawHttpServer, startRawHttpServer } from "../testing/raw_http_server.ts";

/** What the server answers for the n-th request (0-based). */
export interface FakeResponse {
  status?: number;
  delayMs?: number;
}

/** A running counting server. */
export type CountingServer = RawHttpServer;

/** Start a counting `/predict` server on a free loopback port. */
export function startCountingServer(
  respond: (n: number) => FakeResponse = () => ({}),
): CountingServer {
  return startRawHttpServer({
    respond(n, connection) {
      const { status = 200, delayMs = 0 } = respond(n);
      const body = status === 200
        ? JSON.stringify(
          {
            predictions: [],
            anomalies: 2,
            total: 4,
            served_by: `fake:${connection % 2}`,
            model_version: "sha256:fake",
          } satisfies PredictResponse,
        )
        : `{"error":"status ${status}"}`;
      return { status, delayMs, body };
    },
  });
}

/**
 * A client that keeps posting to a server over raw TCP, on keep-alive and
 * new connections, and counts exactly: a request is "sent" once all its bytes
 * were written, and "lost" when a sent request gets no complete response
 * (reset or closed early). Refused connections send nothing and are counted
 * apart. Used to prove that shutdown loses no request.
 */
import { readResponse, writeAll } from "./raw_socket.ts";

/** Options for {@link steadyClient}. */
export interface SteadyClientOptions {
  port: number;
  /** Concurrent loops; odd ones use a new connection per request, even ones keep connections alive. */
  loops?: number;
  /** Raw request bytes to send. */
  request: Uint8Array;
}

/** What a steady client saw. */
export interface SteadyClientReport {
  sent: number;
  answered: number;
  /** Sent requests without a complete response, with why. */
  lost: { fresh: boolean; error: string }[];
  /** Connections refused (nothing sent). */
  refused: number;
  statuses: Record<string, number>;
}

/** A running steady client: stop it and get the report. */
export interface SteadyClient {
  /** Sent requests so far. */
  sent(): number;
  /**
   * Open no new connections from now on, as when Kubernetes removes a
   * draining pod from the Service's endpoints; requests continue on open
   * keep-alive connections until the server closes them.
   */
  stopNewConnections(): void;
  /** Stop sending and resolve with the report once every loop ended. */
  stop(): Promise<SteadyClientReport>;
}

/** Start posting `request` continuously to 127.0.0.1:`port`. */
export function steadyClient(options: SteadyClientOptions): SteadyClient {
  const report: SteadyClientReport = { sent: 0, answered: 0, lost: [], refused: 0, statuses: {} };
  let stopped = false;
  let noNew = false;
  const loop = async (keepAlive: boolean) => {
    let conn: Deno.Conn | null = null;
    let fresh = true;
    while (!stopped) {
      if (conn === null) {
        if (noNew) break;
        try {
          conn = await Deno.connect({ hostname: "127.0.0.1", port: options.port });
          fresh = true;
        } catch {
          report.refused++;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
      }
      try {
        await writeAll(conn, options.request);
      } catch {
        // Not all bytes left: not a sent request. The connection is done.
        conn.close();
        conn = null;
        continue;
      }
      report.sent++;
      let close = !keepAlive;
      try {
        const res = await readResponse(conn);
        if (!Number.isFinite(res.status)) throw new Error("no status line");
        report.answered++;
        report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
        if (res.headers.get("connection")?.toLowerCase() === "close") close = true;
      } catch (err) {
        report.lost.push({ fresh, error: String(err).slice(0, 120) });
        close = true;
      }
      fresh = false;
      if (close) {
        try {
          conn.close();
        } catch {
          // already closed
        }
        conn = null;
      }
    }
    try {
      conn?.close();
    } catch {
      // already closed
    }
  };
  const loops = Array.from({ length: options.loops ?? 8 }, (_, i) => loop(i % 2 === 0));
  return {
    sent: () => report.sent,
    stopNewConnections: () => {
      noNew = true;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return report;
    },
  };
}

/**
 * Loopback servers for the proxy and upstream tests: one on `Deno.serve`
 * that counts the TCP connections its requests arrive on, and one on raw TCP
 * that closes keep-alive sockets after a short idle time, like a backend with
 * a keep-alive timeout.
 */
import { type RawHttpServer, startRawHttpServer } from "../../testing/raw_http_server.ts";

/** A request as the counting server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  body: string;
  /** Client port of the TCP connection: one value per connection. */
  remotePort: number;
}

/** A running counting server. */
export interface CountingServer {
  url: string;
  port: number;
  seen: SeenRequest[];
  /** Distinct TCP connections requests arrived on. */
  connections(): number;
  close(): Promise<void>;
}

/** Start a `Deno.serve` loopback server; `respond` answers each request (default: 200 JSON echo). */
export function startCountingServer(
  respond?: (req: Request, seen: SeenRequest) => Response | Promise<Response>,
): CountingServer {
  const seen: SeenRequest[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req, info) => {
      const url = new URL(req.url);
      const entry: SeenRequest = {
        method: req.method,
        path: url.pathname + url.search,
        headers: req.headers,
        body: await req.text(),
        remotePort: info.remoteAddr.port,
      };
      seen.push(entry);
      if (respond) return await respond(req, entry);
      return Response.json({ ok: true, path: entry.path }, {
        headers: { "x-backend": "fake", "keep-alive": "timeout=5", "set-cookie": "a=b" },
      });
    },
  );
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    connections: () => new Set(seen.map((s) => s.remotePort)).size,
    close: async () => {
      await server.shutdown();
    },
  };
}

/** Start a keep-alive server that closes each connection after `idleMs` without a request. */
export function startIdleClosingServer(idleMs: number): RawHttpServer {
  return startRawHttpServer({ idleMs });
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export function deadPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

/** A counting server that holds every request until it is released (or closed). */
export interface HeldServer extends CountingServer {
  /** Answer every held request, and later ones at once. */
  release(): void;
}

/** Start a loopback server whose requests wait for {@link HeldServer.release}; `answer` makes each response. */
export function startHeldServer(
  answer: () => Response = () => Response.json({ ok: true }),
): HeldServer {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const server = startCountingServer(async () => {
    await released;
    return answer();
  });
  return {
    ...server,
    release,
    close: () => {
      release();
      return server.close();
    },
  };
}

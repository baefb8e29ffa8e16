/**
 * Loopback servers for the proxy and upstream tests: one on `Deno.serve`
 * that counts the TCP connections its requests arrive on, and one on raw TCP
 * that closes keep-alive sockets after a short idle time, like a backend with
 * a keep-alive timeout.
 */

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

/** A raw-TCP HTTP/1.1 server that closes each connection after `idleMs` without a request. */
export interface IdleClosingServer {
  url: string;
  /** Connections accepted so far. */
  accepted(): number;
  /** Requests answered so far. */
  answered(): number;
  close(): Promise<void>;
}

/** Start a keep-alive server whose idle timeout is `idleMs`. */
export function startIdleClosingServer(idleMs: number): IdleClosingServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  let accepted = 0;
  let answered = 0;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const serveConn = async (conn: Deno.Conn) => {
    let buffered = "";
    const buf = new Uint8Array(16 * 1024);
    try {
      while (true) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const idle = new Promise<"idle">((r) => (timer = setTimeout(() => r("idle"), idleMs)));
        const n = await Promise.race([conn.read(buf), idle]);
        clearTimeout(timer);
        if (n === "idle" || n === null) break;
        buffered += decoder.decode(buf.subarray(0, n));
        // Answer every complete request in the buffer (headers plus Content-Length body).
        while (true) {
          const end = buffered.indexOf("\r\n\r\n");
          if (end < 0) break;
          const head = buffered.slice(0, end);
          const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
          if (buffered.length < end + 4 + length) break;
          buffered = buffered.slice(end + 4 + length);
          answered++;
          await conn.write(encoder.encode(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n" +
              "connection: keep-alive\r\n\r\n" + '{"ok":true}',
          ));
        }
      }
    } catch {
      // the client went away
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  };
  const loop = (async () => {
    try {
      for await (const conn of listener) {
        accepted++;
        conns.add(conn);
        serveConn(conn);
      }
    } catch {
      // listener closed
    }
  })();
  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    answered: () => answered,
    close: async () => {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // already closed
        }
      }
      await loop;
      // let the per-connection tasks observe the close
      await new Promise((r) => setTimeout(r, idleMs + 20));
    },
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export function deadPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

/**
 * A minimal HTTP/1.1 server over raw TCP on 127.0.0.1 that counts accepted
 * connections, so tests can prove whether a client reuses connections (which
 * `Deno.serve` cannot show). It answers every request with a `/predict`-shaped
 * JSON body; `respond` can change the status and add a delay.
 */

/** What the server answers for the n-th request (0-based). */
export interface FakeResponse {
  status?: number;
  delayMs?: number;
}

/** A running counting server. */
export interface CountingServer {
  url: string;
  /** TCP connections accepted so far. */
  connections(): number;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function indexOf(buf: Uint8Array, pattern: number[], from = 0): number {
  outer: for (let i = from; i <= buf.length - pattern.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (buf[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

const CRLFCRLF = [13, 10, 13, 10];

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Start a counting server on a free loopback port. */
export function startCountingServer(
  respond: (n: number) => FakeResponse = () => ({}),
): CountingServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  let accepted = 0;
  let answered = 0;
  let requestNo = 0;

  async function handle(conn: Deno.Conn): Promise<void> {
    let buf: Uint8Array = new Uint8Array(0);
    const chunk = new Uint8Array(64 * 1024);
    try {
      while (true) {
        let end = indexOf(buf, CRLFCRLF);
        while (end < 0) {
          const n = await conn.read(chunk);
          if (n === null) return;
          buf = concat(buf, chunk.subarray(0, n));
          end = indexOf(buf, CRLFCRLF);
        }
        const head = decoder.decode(buf.subarray(0, end)).toLowerCase();
        const length = Number(/content-length:\s*(\d+)/.exec(head)?.[1] ?? 0);
        const close = /connection:\s*close/.test(head);
        while (buf.length < end + 4 + length) {
          const n = await conn.read(chunk);
          if (n === null) return;
          buf = concat(buf, chunk.subarray(0, n));
        }
        buf = buf.slice(end + 4 + length);
        const { status = 200, delayMs = 0 } = respond(requestNo++);
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        const body = status === 200
          ? `{"predictions":[],"anomalies":2,"total":4,"served_by":"fake:${accepted % 2}"}`
          : `{"error":"status ${status}"}`;
        await conn.write(encoder.encode(
          `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\n` +
            `content-length: ${encoder.encode(body).length}\r\n` +
            `connection: ${close ? "close" : "keep-alive"}\r\n\r\n${body}`,
        ));
        answered++;
        if (close) return;
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
  }

  const acceptLoop = (async () => {
    try {
      for await (const conn of listener) {
        accepted++;
        conns.add(conn);
        const t = handle(conn);
        tasks.add(t);
        t.finally(() => tasks.delete(t));
      }
    } catch {
      // listener closed
    }
  })();

  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    requests: () => answered,
    async close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // already closed
        }
      }
      await acceptLoop;
      await Promise.allSettled([...tasks]);
    },
  };
}

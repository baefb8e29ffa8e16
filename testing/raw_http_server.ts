/**
 * A minimal HTTP/1.1 server over raw TCP on 127.0.0.1 for client tests. It
 * counts accepted TCP connections, which `Deno.serve` cannot show, so tests
 * can prove whether a client reuses connections; it can delay answers and
 * close keep-alive connections after an idle time, like a backend with a
 * keep-alive timeout.
 */

/** What the server answers to the n-th request (0-based) on connection `connection` (1-based). */
export interface RawResponse {
  status?: number;
  delayMs?: number;
  /** JSON body; default `{"ok":true}`. */
  body?: string;
}

/** Options for {@link startRawHttpServer}. */
export interface RawHttpServerOptions {
  respond?: (n: number, connection: number) => RawResponse;
  /** Close a connection after this long without a request; default never. */
  idleMs?: number;
}

/** A running raw HTTP server. */
export interface RawHttpServer {
  url: string;
  port: number;
  /** TCP connections accepted so far. */
  connections(): number;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const CRLFCRLF = [13, 10, 13, 10];

function indexOf(buf: Uint8Array, pattern: number[]): number {
  outer: for (let i = 0; i <= buf.length - pattern.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (buf[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Start a server on a free loopback port. */
export function startRawHttpServer(options: RawHttpServerOptions = {}): RawHttpServer {
  const respond = options.respond ?? ((): RawResponse => ({}));
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  let accepted = 0;
  let answered = 0;
  let requestNo = 0;

  // Read into `chunk`, or "idle" when options.idleMs passes first.
  async function read(conn: Deno.Conn, chunk: Uint8Array): Promise<number | null | "idle"> {
    if (options.idleMs === undefined) return await conn.read(chunk);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<"idle">((r) => (timer = setTimeout(() => r("idle"), options.idleMs)));
    try {
      return await Promise.race([conn.read(chunk), idle]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function handle(conn: Deno.Conn, connection: number): Promise<void> {
    let buf: Uint8Array = new Uint8Array(0);
    const chunk = new Uint8Array(64 * 1024);
    const fill = async (enough: () => boolean) => {
      while (!enough()) {
        const n = await read(conn, chunk);
        if (n === null || n === "idle") return false;
        buf = concat(buf, chunk.subarray(0, n));
      }
      return true;
    };
    try {
      while (true) {
        if (!await fill(() => indexOf(buf, CRLFCRLF) >= 0)) return;
        const end = indexOf(buf, CRLFCRLF);
        const head = decoder.decode(buf.subarray(0, end)).toLowerCase();
        const length = Number(/content-length:\s*(\d+)/.exec(head)?.[1] ?? 0);
        const close = /connection:\s*close/.test(head);
        if (!await fill(() => buf.length >= end + 4 + length)) return;
        buf = buf.slice(end + 4 + length);
        const { status = 200, delayMs = 0, body = '{"ok":true}' } = respond(
          requestNo++,
          connection,
        );
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
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
        const t = handle(conn, accepted);
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
    port,
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

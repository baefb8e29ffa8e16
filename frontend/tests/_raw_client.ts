/**
 * A raw HTTP/1.1 client over TCP to 127.0.0.1 for the hostile-input tests:
 * it sends exactly the bytes a test chooses (1-byte chunks, a body slower
 * than declared), which `fetch` cannot, and reads the answer until the
 * server closes the connection or a deadline passes.
 */

const encoder = new TextEncoder();

/** A parsed raw response. */
export interface RawAnswer {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** An open connection with the request head sent. */
export interface RawRequest {
  conn: Deno.TcpConn;
  /** Write text as is. */
  write(text: string): Promise<void>;
  /** Write one chunk of a chunked body (`""` ends the body). */
  chunk(text: string): Promise<void>;
  /** Read one whole answer (or until the server closes); throws after `timeoutMs` naming what arrived. */
  answer(timeoutMs?: number): Promise<RawAnswer>;
}

/** Open a connection to `127.0.0.1:port` and send the request head (with `connection: close`). */
export async function openRaw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<RawRequest> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const lines = [`${method} ${path} HTTP/1.1`, "host: 127.0.0.1", "connection: close"];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  await writeAll(conn, `${lines.join("\r\n")}\r\n\r\n`);
  return {
    conn,
    write: (text) => writeAll(conn, text),
    chunk: (text) =>
      writeAll(conn, `${encoder.encode(text).byteLength.toString(16)}\r\n${text}\r\n`),
    answer: (timeoutMs = 10_000) => readAnswer(conn, timeoutMs),
  };
}

async function writeAll(conn: Deno.TcpConn, text: string): Promise<void> {
  let bytes = encoder.encode(text);
  while (bytes.byteLength > 0) bytes = bytes.subarray(await conn.write(bytes));
}

async function readAnswer(conn: Deno.TcpConn, timeoutMs: number): Promise<RawAnswer> {
  const parts: Uint8Array[] = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      conn.close();
    } catch {
      // already closed
    }
  }, timeoutMs);
  try {
    const buf = new Uint8Array(16_384);
    while (true) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch (err) {
        if (timedOut) break;
        // A reset after the answer arrived still leaves the answer to parse.
        if (parts.length > 0) break;
        throw err;
      }
      if (n === null) break;
      parts.push(buf.slice(0, n));
      if (complete(parts)) break;
    }
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
  const text = new TextDecoder().decode(concat(parts));
  const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
  if (!match) {
    throw new Error(
      `${timedOut ? `No answer within ${timeoutMs} ms` : "No HTTP answer"}; received ${
        JSON.stringify(text.slice(0, 200))
      }`,
    );
  }
  const split = text.indexOf("\r\n\r\n");
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, split).split("\r\n").slice(1)) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = text.slice(split + 4);
  if (headers["transfer-encoding"] === "chunked") body = unchunk(body);
  return { status: Number(match[1]), headers, body };
}

/** Whether `parts` hold a whole answer: head plus Content-Length bytes or the last chunk. */
function complete(parts: Uint8Array[]): boolean {
  const text = new TextDecoder().decode(concat(parts));
  const split = text.indexOf("\r\n\r\n");
  if (split < 0) return false;
  const head = text.slice(0, split).toLowerCase();
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  const bodyBytes = new TextEncoder().encode(text.slice(split + 4)).byteLength;
  if (length) return bodyBytes >= Number(length[1]);
  if (/\r\ntransfer-encoding:\s*chunked/.test(head)) return text.endsWith("0\r\n\r\n");
  return false;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

function unchunk(text: string): string {
  let out = "";
  let rest = text;
  while (rest.length > 0) {
    const eol = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) break;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
  return out;
}

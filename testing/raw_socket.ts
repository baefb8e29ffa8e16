/**
 * Raw TCP helpers for hostile-client tests: send exact bytes to a server on
 * 127.0.0.1 and read the response, or read a child process's memory figures.
 * Nothing here is specific to the backend or the UI server.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A chunked request body of `count` chunks of one byte each (`1\r\nX\r\n`), with the last chunk `tail` and the terminator. */
export function oneByteChunks(count: number, byte = " ", tail = ""): Uint8Array {
  const one = encoder.encode(`1\r\n${byte}\r\n`);
  const end = encoder.encode(
    `${tail ? `${encoder.encode(tail).length.toString(16)}\r\n${tail}\r\n` : ""}0\r\n\r\n`,
  );
  const out = new Uint8Array(one.length * count + end.length);
  for (let i = 0; i < count; i++) out.set(one, i * one.length);
  out.set(end, one.length * count);
  return out;
}

/** A parsed HTTP/1.1 response read from a raw connection. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** Read one response (Content-Length framed, or until the peer closes) from `conn`. */
export async function readResponse(conn: Deno.Conn): Promise<RawResponse> {
  let buf = new Uint8Array(0);
  const chunk = new Uint8Array(64 * 1024);
  let headEnd = -1;
  let length = -1;
  while (true) {
    if (headEnd < 0) {
      const text = decoder.decode(buf);
      const at = text.indexOf("\r\n\r\n");
      if (at >= 0) {
        headEnd = encoder.encode(text.slice(0, at)).length + 4;
        const m = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, at));
        length = m ? Number(m[1]) : -1;
      }
    }
    if (headEnd >= 0 && length >= 0 && buf.length >= headEnd + length) break;
    let n: number | null;
    try {
      n = await conn.read(chunk);
    } catch (err) {
      // A reset before the head is an error to report; after it, the framing decides.
      if (headEnd < 0) throw new Error(`Connection failed before a response head: ${err}`);
      n = null;
    }
    if (n === null) break;
    const grown = new Uint8Array(buf.length + n);
    grown.set(buf);
    grown.set(chunk.subarray(0, n), buf.length);
    buf = grown;
  }
  if (headEnd < 0) {
    throw new Error(`Connection closed before a response head (${buf.length} bytes)`);
  }
  if (length >= 0 && buf.length < headEnd + length) {
    throw new Error(`Connection closed after ${buf.length - headEnd} of ${length} body bytes`);
  }
  const head = decoder.decode(buf.subarray(0, headEnd - 4)).split("\r\n");
  const status = Number(head[0].split(" ")[1]);
  const headers = new Headers();
  for (const line of head.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const body = decoder.decode(buf.subarray(headEnd, length >= 0 ? headEnd + length : undefined));
  return { status, headers, body };
}

/** Open a connection to 127.0.0.1:`port`, write `bytes`, return the response and close. */
export async function rawExchange(port: number, bytes: Uint8Array): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    // The server may answer and close before every byte is written.
    await writeAll(conn, bytes).catch(() => {});
    return await readResponse(conn);
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

/** Write every byte of `bytes` to `conn`. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

/** Resident memory of a process now (`rss`) and at its peak so far (`peak`), in bytes. */
export interface ProcessMemory {
  rss: number;
  peak: number;
}

/**
 * A process's resident memory from `/proc/<pid>/status` (`VmRSS`, `VmHWM`);
 * null where `/proc` is missing (not Linux).
 */
export function processMemory(pid: number): ProcessMemory | null {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, "m").exec(status)?.[1]);
    const rss = kb("VmRSS");
    const peak = kb("VmHWM");
    return Number.isFinite(rss) && Number.isFinite(peak)
      ? { rss: rss * 1024, peak: peak * 1024 }
      : null;
  } catch {
    return null;
  }
}

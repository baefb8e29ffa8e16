import assert from "node:assert/strict";
import { arrivedBody, readJson, type ReadJsonOptions } from "./read_json.ts";
import { HttpError } from "../../lib/problem.ts";

const enc = new TextEncoder();

interface Outcome {
  /** What `arrivedBody()` saw, or "not asked". */
  arrived: "bytes" | "null" | "not asked";
  /** The parsed body, or the error's status and message. */
  result: unknown;
}

/**
 * Serve one request on 127.0.0.1 whose raw bytes are written by `send`, and
 * report what `readJson()` made of it (with `arrivedBody()` looked at first
 * when `peek` is set).
 */
async function serveOnce(
  send: (conn: Deno.Conn) => Promise<unknown>,
  options: ReadJsonOptions,
  peek = false,
): Promise<Outcome> {
  let outcome: Outcome | undefined;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      let arrived: Outcome["arrived"] = "not asked";
      try {
        if (peek) {
          const bytes = await arrivedBody(req);
          arrived = bytes === null ? "null" : "bytes";
          outcome = { arrived, result: bytes && JSON.parse(new TextDecoder().decode(bytes)) };
        } else {
          outcome = { arrived, result: await readJson(req, options) };
        }
      } catch (err) {
        outcome = {
          arrived,
          result: err instanceof HttpError ? [err.status, err.message] : String(err),
        };
      }
      return new Response("done", { headers: { connection: "close" } });
    },
  );
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  try {
    await send(conn);
    // Wait for the answer (or the server closing), then for the handler's outcome.
    const buf = new Uint8Array(1024);
    while ((await conn.read(buf)) !== null && outcome === undefined) { /* keep reading */ }
  } finally {
    try {
      conn.close();
    } catch {
      // closed by the server
    }
    await server.shutdown();
  }
  assert.ok(outcome, "the handler ran");
  return outcome;
}

function request(body: Uint8Array | string, headers: Record<string, string>): Uint8Array {
  const bytes = typeof body === "string" ? enc.encode(body) : body;
  const head = Object.entries({ host: "127.0.0.1", ...headers }).map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  const start = enc.encode(`POST /predict HTTP/1.1\r\n${head}\r\n`);
  const all = new Uint8Array(start.length + bytes.length);
  all.set(start);
  all.set(bytes, start.length);
  return all;
}

/** JSON.parse's own message for `text` (the 400 quotes it). */
function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} parses`);
}

const JSON_TYPE = { "content-type": "application/json" };
const OPTIONS: ReadJsonOptions = { maxBytes: 1024, timeoutMs: 300 };

/** The Deno the container images ship (`ARG DENO_VERSION` of the backend's Dockerfile). */
const IMAGE_DENO = /^ARG DENO_VERSION=(\S+)$/m.exec(
  Deno.readTextFileSync(new URL("../../containers/Dockerfile.backend", import.meta.url)),
)?.[1];

Deno.test("arrivedBody() takes a body that came with its headers, on a real Deno server", async () => {
  const body = '{"readings":[{"voltage":230}]}';
  const out = await serveOnce(
    (conn) => conn.write(request(body, { ...JSON_TYPE, "content-length": `${body.length}` })),
    OPTIONS,
    true,
  );
  assert.deepEqual(out.result, JSON.parse(body));
  assert.ok(IMAGE_DENO, "containers/Dockerfile.backend names its Deno (ARG DENO_VERSION=...)");
  // The fast path reads one internal field of Deno's request. On the Deno the images ship it must
  // engage; another Deno may lay its request out differently, and then every body takes the
  // slower stream, which is still correct (checked above), so only the images' Deno is held to it.
  if (Deno.version.deno === IMAGE_DENO) assert.equal(out.arrived, "bytes");
  else assert.ok(out.arrived === "bytes" || out.arrived === "null", String(out.arrived));
});

Deno.test("arrivedBody() leaves a body still in transit to the stream", async () => {
  const out = await serveOnce(
    async (conn) => {
      await conn.write(request('{"readings":', { ...JSON_TYPE, "content-length": "30" }));
      await new Promise((r) => setTimeout(r, 100));
      await conn.write(enc.encode('[{"voltage":230}]}'.padEnd(18)));
    },
    OPTIONS,
    true,
  );
  assert.equal(out.arrived, "null");
});

Deno.test("readJson() gives 408 for a declared body that stalls, at the deadline", async () => {
  const started = performance.now();
  const out = await serveOnce(
    (conn) => conn.write(request('{"readings":', { ...JSON_TYPE, "content-length": "100" })),
    OPTIONS,
  );
  assert.deepEqual(out.result, [
    408,
    "Request body was not received within 300 ms (BODY_TIMEOUT_MS)",
  ]);
  assert.ok(performance.now() - started >= 250, "answered at the deadline, not before");
});

Deno.test("readJson() parses a complete body and refuses bad bytes with the same messages", async () => {
  const cases: [Uint8Array | string, Record<string, string>, unknown][] = [
    ['{"a":1}', JSON_TYPE, { a: 1 }],
    // A byte order mark before the JSON is dropped (RFC 8259, 8.1); one inside a string stays.
    [new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('{"a":"\ufeff"}')]), JSON_TYPE, {
      a: "\ufeff",
    }],
    [new Uint8Array([0x7b, 0xff, 0x7d]), JSON_TYPE, [400, "Request body is not valid UTF-8"]],
    ['{"a":1}', { ...JSON_TYPE, "content-encoding": "gzip" }, [
      415,
      'Content-Encoding "gzip" is not supported: send the body uncompressed',
    ]],
    ['{"a":1}', { ...JSON_TYPE, "content-encoding": "Identity" }, { a: 1 }],
    ["{", JSON_TYPE, [400, `Request body is not valid JSON: ${parseError("{")}`]],
    ["{}", { "content-type": "text/plain" }, [
      415,
      'Content-Type must be application/json, got "text/plain"',
    ]],
    // Over the limit in one piece, chunked (no declared length): 413 all the same.
    [`5\r\n${"x".repeat(5)}\r\n${(2000).toString(16)}\r\n${"y".repeat(2000)}\r\n0\r\n\r\n`, {
      ...JSON_TYPE,
      "transfer-encoding": "chunked",
    }, [413, "Request body exceeds the limit of 1024 bytes (MAX_BODY_BYTES)"]],
  ];
  for (const [body, headers, expected] of cases) {
    const length = typeof body === "string" ? enc.encode(body).length : body.length;
    const framed = "transfer-encoding" in headers
      ? headers
      : { ...headers, "content-length": `${length}` };
    const out = await serveOnce((conn) => conn.write(request(body, framed)), OPTIONS);
    assert.deepEqual(out.result, expected, JSON.stringify(body).slice(0, 60));
  }
});

Deno.test("readJson() asks admit() for a complete body and answers 503 when refused", async () => {
  const body = '{"readings":[]}';
  const asked: number[] = [];
  const out = await serveOnce(
    (conn) => conn.write(request(body, { ...JSON_TYPE, "content-length": `${body.length}` })),
    {
      ...OPTIONS,
      budgetBytes: 10,
      admit: (total) => {
        asked.push(total);
        return false;
      },
    },
  );
  assert.deepEqual(out.result, [
    503,
    "Request bodies in progress on this worker would exceed 10 bytes (MAX_BODY_BYTES_IN_FLIGHT); retry shortly",
  ]);
  assert.deepEqual(asked, [body.length]);
});

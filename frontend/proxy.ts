/**
 * `/api/*` → the one backend. Not an open proxy: the target is always
 * `BACKEND_URL` plus one of the allow-listed paths below, never anything taken
 * from the request (its path only selects an entry of the list; the query
 * string is dropped). Hop-by-hop headers are stripped both ways; failures of
 * the backend become {@link UiError}s (502/504) that `onError` renders as
 * problem+json responses the page can show.
 */
import type { Logger } from "../lib/logger.ts";
import { UiError } from "./problem.ts";
import { readBody } from "./read_body.ts";
import { type Upstream, UpstreamError } from "./upstream.ts";

/** Request header with which the page asks for a new upstream connection; never forwarded. */
export const NEW_CONNECTION_HEADER = "x-new-connection";

/** A method the proxy forwards. */
export type ProxyMethod = "GET" | "POST" | "PUT" | "DELETE";

/** The backend routes the UI may reach, by path under `/api`, with their methods. */
export const PROXY_ROUTES: Readonly<Record<string, readonly ProxyMethod[]>> = Object.freeze({
  "/predict": ["POST"],
  "/health": ["GET"],
  "/ready": ["GET"],
  "/model": ["GET"],
  "/metrics": ["GET"],
  "/models": ["GET"],
  "/models/drift/report": ["GET"],
  "/feedback": ["POST"],
  "/models/aliases/champion": ["PUT"],
  "/models/aliases/challenger": ["PUT", "DELETE"],
  "/models/aliases/canary": ["PUT", "DELETE"],
});

/**
 * The model admin routes: the only ones whose `Authorization` header (the
 * admin token the user typed into the page) is forwarded, and only when the
 * browser sent one; every other route drops it.
 */
export const ADMIN_ROUTES: ReadonlySet<string> = new Set([
  "/models/aliases/champion",
  "/models/aliases/challenger",
  "/models/aliases/canary",
]);

/** Connection-specific headers (RFC 9110 §7.6.1) that a proxy must not forward. */
export const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
] as const;

/** Request headers that describe the browser's session with the UI, not the backend's business. */
const REQUEST_DROP = [
  "host",
  "cookie",
  "authorization",
  "content-length",
  "accept-encoding",
  "origin",
  "referer",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  NEW_CONNECTION_HEADER,
];

/** Response headers recomputed by the UI server or meaningless on its origin. */
const RESPONSE_DROP = ["content-length", "content-encoding", "set-cookie", "alt-svc"];

function stripHopByHop(headers: Headers): Headers {
  const out = new Headers(headers);
  const listed = (headers.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase());
  for (const name of [...HOP_BY_HOP, ...listed]) if (name) out.delete(name);
  return out;
}

/**
 * Headers to send upstream for a browser request (exported for tests);
 * `admin` keeps the user's `Authorization` (see {@link ADMIN_ROUTES}).
 */
export function upstreamRequestHeaders(
  incoming: Headers,
  clientIp?: string,
  admin = false,
): Headers {
  const out = stripHopByHop(incoming);
  for (const name of REQUEST_DROP) out.delete(name);
  const authorization = incoming.get("authorization");
  if (admin && authorization) out.set("authorization", authorization);
  out.set("accept-encoding", "identity");
  if (clientIp) out.set("x-forwarded-for", clientIp);
  const host = incoming.get("host");
  if (host) out.set("x-forwarded-host", host);
  out.set("x-forwarded-proto", "http");
  return out;
}

/** Headers to send to the browser for a backend response (exported for tests). */
export function downstreamResponseHeaders(upstream: Headers): Headers {
  const out = stripHopByHop(upstream);
  for (const name of RESPONSE_DROP) out.delete(name);
  out.set("cache-control", out.get("cache-control") ?? "no-store");
  return out;
}

/** Routes whose JSON answers may name files on the backend's disk (model source, load errors). */
const REDACTED_ROUTES = new Set(["/model", "/ready", "/health", "/models"]);

/**
 * An absolute POSIX or Windows file path inside a string, not part of a URL:
 * the character before it is neither a word character, `:`, `/`, `.` nor `~`.
 */
const ABSOLUTE_PATH = /(?<![\w:/.~-])(?:\/|[A-Za-z]:\\)(?:[\w.@+-]+[\/\\])+([\w.@+-]+)/g;

/** Replace absolute file paths in every string of `value` by their file name (exported for tests). */
export function redactPaths(value: unknown): unknown {
  if (typeof value === "string") return value.replace(ABSOLUTE_PATH, "$1");
  if (Array.isArray(value)) return value.map(redactPaths);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactPaths(v);
    return out;
  }
  return value;
}

/** The body to relay: JSON of a {@link REDACTED_ROUTES} route with absolute paths reduced to names. */
function relayedBody(path: string, headers: Headers, body: Uint8Array<ArrayBuffer>) {
  if (!REDACTED_ROUTES.has(path) || !/json/i.test(headers.get("content-type") ?? "")) return body;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body));
    return new TextEncoder().encode(JSON.stringify(redactPaths(parsed)));
  } catch {
    return body;
  }
}

/** Options for {@link createProxy}. */
export interface ProxyOptions {
  /** Largest request body forwarded; larger gets 413 without contacting the backend. */
  maxBodyBytes: number;
  /** The whole request body must arrive within this long; after it 408. */
  bodyTimeoutMs: number;
  /** Requests handled at once; more get 503. Default unlimited. */
  maxInflight?: number;
  /**
   * Request body bytes admitted at once, counting a request's declared length
   * (or `maxBodyBytes` when chunked) from admission to answer; more get 503.
   * Each admitted byte costs the process several (the body, its copy to the
   * backend, the answer, V8's slack). Default unlimited.
   */
  maxInflightBytes?: number;
  /** Logs backend outages once per transition; default silent. */
  logger?: Logger;
}

/** A handler for `/api/<path>` requests: `path` is the part after `/api`. Throws {@link UiError}. */
export type ProxyHandler = (req: Request, path: string, clientIp?: string) => Promise<Response>;

/** Create the `/api/*` proxy over `upstream`. */
export function createProxy(upstream: Upstream, options: ProxyOptions): ProxyHandler {
  const maxInflight = options.maxInflight ?? Infinity;
  const maxInflightBytes = options.maxInflightBytes ?? Infinity;
  let inflight = 0;
  let inflightBytes = 0;
  let backendUp: boolean | null = null;
  // Log backend outages once per transition, not once per request.
  const observe = (up: boolean) => {
    if (up === backendUp) return;
    if (!up) {
      options.logger?.warn("backend_unavailable", { backend_url: upstream.baseUrl });
    } else if (backendUp === false) {
      options.logger?.info("backend_available", { backend_url: upstream.baseUrl });
    }
    backendUp = up;
  };
  return async (req, path, clientIp) => {
    const bytes = reservation(req);
    // The body is left unread, not cancelled (cancelling one still arriving stalled the event loop
    // for seconds: lib/bounded_body.ts), and the connection closed so the client stops sending.
    const shed = (detail: string) =>
      new UiError("overloaded", detail, { headers: { "retry-after": "1", connection: "close" } });
    if (inflight >= maxInflight) {
      throw shed(
        `${maxInflight} proxied requests are already in flight (PROXY_MAX_INFLIGHT); retry shortly`,
      );
    }
    // Memory-aware admission: a body is counted before a byte of it is read.
    if (inflightBytes + bytes > maxInflightBytes && inflight > 0) {
      throw shed(
        `Request bodies in flight would pass ${maxInflightBytes} bytes (PROXY_MAX_INFLIGHT_BYTES); retry shortly`,
      );
    }
    inflight++;
    inflightBytes += bytes;
    try {
      return await forward(req, path, clientIp);
    } finally {
      inflight--;
      inflightBytes -= bytes;
    }
  };

  /** Bytes a request may bring: its declared length, or the limit when chunked; 0 without a body. */
  function reservation(req: Request): number {
    if (req.body === null) return 0;
    const declared = Number(req.headers.get("content-length") ?? NaN);
    if (Number.isInteger(declared) && declared >= 0) {
      return Math.min(declared, options.maxBodyBytes);
    }
    return options.maxBodyBytes;
  }

  async function forward(req: Request, path: string, clientIp?: string): Promise<Response> {
    const methods = Object.hasOwn(PROXY_ROUTES, path) ? PROXY_ROUTES[path] : undefined;
    if (!methods) {
      throw new UiError("not-found", `No backend route "/api${path}" is proxied`);
    }
    const method = req.method === "HEAD" ? "GET" : req.method;
    if (!methods.includes(method as ProxyMethod)) {
      throw new UiError(
        "method-not-allowed",
        `Method ${req.method} is not allowed on /api${path}; use ${methods.join(", ")}`,
        { headers: { allow: methods.join(", ") } },
      );
    }
    const newConnection = req.headers.get(NEW_CONNECTION_HEADER) === "1";
    let body: Uint8Array<ArrayBuffer> | undefined;
    if (method === "POST" || method === "PUT") {
      body = await readBody(req, {
        maxBytes: options.maxBodyBytes,
        timeoutMs: options.bodyTimeoutMs,
        limitName: "PROXY_MAX_BODY_BYTES",
      });
    }
    try {
      const res = await upstream.request({
        method: method as ProxyMethod,
        path,
        headers: upstreamRequestHeaders(req.headers, clientIp, ADMIN_ROUTES.has(path)),
        body,
        newConnection,
        signal: req.signal,
      });
      observe(true);
      const headers = downstreamResponseHeaders(res.headers);
      headers.set("x-upstream-connection", newConnection ? "new" : "pooled");
      headers.set("server-timing", `upstream;dur=${res.elapsedMs.toFixed(1)}`);
      const nullBody = req.method === "HEAD" || res.status === 204 || res.status === 304;
      return new Response(nullBody ? null : relayedBody(path, res.headers, res.body), {
        status: res.status,
        headers,
      });
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      if (err.kind === "aborted") throw new UiError("client-closed", err.message, { cause: err });
      observe(false);
      if (err.kind === "timeout") throw new UiError("backend-timeout", err.message, { cause: err });
      throw new UiError("backend-unreachable", err.message, {
        headers: { "retry-after": "2" },
        cause: err,
      });
    }
  }
}

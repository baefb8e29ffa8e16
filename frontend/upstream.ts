/**
 * The UI server's HTTP client for the one backend. Two connection policies,
 * matching the workshop's "New connection each request" switch:
 *
 * - reuse (default): a keep-alive pool whose idle sockets close before the
 *   backend's do (RELIABILITY R1.11), retired after a fixed number of requests
 *   so a UI replica is not pinned to one backend pod forever (R1.16);
 * - new connection: a client that keeps no idle socket, so every request
 *   opens a fresh TCP connection and kube-proxy can pick a different pod.
 *
 * Responses are read to the end before they are returned, so the timeout
 * covers the whole exchange and a pool is only closed when nothing uses it.
 */

/** Options for {@link Upstream}. */
export interface UpstreamOptions {
  /** Base URL of the backend, without a trailing slash. */
  baseUrl: string;
  /** Abort an exchange (connect, headers and body) after this long. */
  timeoutMs: number;
  /** Close pooled sockets idle for this long (below the backend's keep-alive timeout). */
  idleTimeoutMs: number;
  /** Requests sent through one pooled client before it is retired. */
  maxRequestsPerConnection: number;
  /** Client factory; tests pass one that records the options. */
  createClient?: (options: Deno.CreateHttpClientOptions) => Deno.HttpClient;
}

/** One request to the backend. */
export interface UpstreamRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path on the backend, e.g. `/predict`. Always one of the UI's own constants. */
  path: string;
  headers?: HeadersInit;
  body?: Uint8Array<ArrayBuffer>;
  /** Open a new connection for this request instead of reusing a pooled one. */
  newConnection?: boolean;
  /** Abort early (e.g. the browser went away). */
  signal?: AbortSignal;
}

/** A fully read backend response. */
export interface UpstreamResponse {
  status: number;
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
  /** Milliseconds from sending to the last body byte. */
  elapsedMs: number;
}

/** Why an exchange with the backend failed. */
export type UpstreamFailure = "unreachable" | "timeout" | "aborted";

/** The backend could not be reached, did not answer in time, or the caller gave up. */
export class UpstreamError extends Error {
  readonly kind: UpstreamFailure;
  constructor(kind: UpstreamFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UpstreamError";
    this.kind = kind;
  }
}

interface Pool {
  client: Deno.HttpClient;
  used: number;
  inflight: number;
  retired: boolean;
  closed: boolean;
}

/** Counters a test or the status page can read. */
export interface UpstreamStats {
  /** Pooled clients created so far (1 + retirements). */
  poolsCreated: number;
  /** Requests sent with a new connection. */
  newConnectionRequests: number;
  /** Requests sent through the pool. */
  pooledRequests: number;
}

/** HTTP client for the backend with a reuse and a new-connection policy. */
export class Upstream {
  readonly baseUrl: string;
  readonly #options: UpstreamOptions;
  readonly #create: (options: Deno.CreateHttpClientOptions) => Deno.HttpClient;
  readonly #fresh: Deno.HttpClient;
  #pool: Pool;
  #closed = false;
  readonly stats: UpstreamStats = { poolsCreated: 0, newConnectionRequests: 0, pooledRequests: 0 };

  /** Create the clients; call {@link Upstream.close} when done. */
  constructor(options: UpstreamOptions) {
    if (options.idleTimeoutMs <= 0) throw new RangeError("Idle timeout must be positive");
    if (options.maxRequestsPerConnection < 1) {
      throw new RangeError("Requests per connection must be at least 1");
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#options = options;
    this.#create = options.createClient ?? ((o) => Deno.createHttpClient(o));
    // No idle sockets at all: the connection closes after each response.
    this.#fresh = this.#create({ poolMaxIdlePerHost: 0, http2: false });
    this.#pool = this.#newPool();
  }

  #newPool(): Pool {
    this.stats.poolsCreated++;
    return {
      client: this.#create({ poolIdleTimeout: this.#options.idleTimeoutMs, http2: false }),
      used: 0,
      inflight: 0,
      retired: false,
      closed: false,
    };
  }

  #closePool(pool: Pool): void {
    if (pool.closed) return;
    pool.closed = true;
    pool.client.close();
  }

  #acquire(): Pool {
    if (this.#pool.used >= this.#options.maxRequestsPerConnection) {
      const old = this.#pool;
      old.retired = true;
      if (old.inflight === 0) this.#closePool(old);
      this.#pool = this.#newPool();
    }
    const pool = this.#pool;
    pool.used++;
    pool.inflight++;
    return pool;
  }

  #release(pool: Pool): void {
    pool.inflight--;
    if (pool.retired && pool.inflight === 0) this.#closePool(pool);
  }

  /** Send `request` and read the whole response; throws {@link UpstreamError} when there is none. */
  async request(request: UpstreamRequest): Promise<UpstreamResponse> {
    if (this.#closed) throw new UpstreamError("aborted", "The upstream client is closed");
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const pool = request.newConnection ? null : this.#acquire();
    if (pool) this.stats.pooledRequests++;
    else this.stats.newConnectionRequests++;
    const start = performance.now();
    try {
      const init: RequestInit & { client: Deno.HttpClient } = {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
        redirect: "manual",
        client: pool ? pool.client : this.#fresh,
      };
      const res = await fetch(`${this.baseUrl}${request.path}`, init);
      const body = new Uint8Array(await res.arrayBuffer());
      return {
        status: res.status,
        headers: res.headers,
        body,
        elapsedMs: performance.now() - start,
      };
    } catch (err) {
      const what = `${request.method} ${request.path}`;
      if (timeout.aborted) {
        throw new UpstreamError(
          "timeout",
          `The backend at ${this.baseUrl} did not answer ${what} within ${this.#options.timeoutMs} ms`,
          { cause: err },
        );
      }
      if (request.signal?.aborted) {
        throw new UpstreamError("aborted", `${what} was cancelled`, { cause: err });
      }
      throw new UpstreamError(
        "unreachable",
        `The backend at ${this.baseUrl} could not be reached for ${what}: ${describe(err)}`,
        { cause: err },
      );
    } finally {
      if (pool) this.#release(pool);
    }
  }

  /** Close every client; later requests fail with "aborted". */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fresh.close();
    this.#closePool(this.#pool);
  }
}

/** A short, user-facing reason from a fetch error (no stack, no internals). */
function describe(err: unknown): string {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  if (/refused/i.test(text)) return "connection refused (is the backend running?)";
  if (/reset|closed|broken pipe|eof/i.test(text)) return "the connection was closed unexpectedly";
  if (/dns|lookup|resolve|name or service/i.test(text)) return "the host name did not resolve";
  if (/unreachable|no route/i.test(text)) return "the network is unreachable";
  return "the request failed";
}

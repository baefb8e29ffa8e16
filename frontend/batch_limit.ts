/**
 * The largest batch the UI offers, learned from the backend's contract: the
 * `maxItems` of `readings` in the `PredictRequest` schema of its
 * `/openapi.json` (its `MAX_BATCH`). The UI server fetches the document
 * through its upstream client, caches the answer for a while and asks again
 * when the cache is stale, so a redeployed backend is picked up on a later
 * page load. When the backend cannot be reached or does not publish the
 * limit, the UI offers {@link DEFAULT_MAX_BATCH} and says why; the page
 * never waits long for the backend and never fails because of it.
 */
import { type Upstream, UpstreamError } from "./upstream.ts";

/** Batch size offered when the backend's limit is unknown (what the UI offered before it learned). */
export const DEFAULT_MAX_BATCH = 1_000;

/**
 * Bytes one simulated reading takes in a `/predict` body, rounded up with a
 * wide margin: the browser sends rounded values, about 60 bytes as JSON
 * (`{"voltage":230.12,"current":10.123,"frequency":50.012},`).
 */
export const READING_JSON_BYTES = 128;

/** Where the offered maximum comes from. */
export type BatchLimitSource = "backend" | "proxy" | "default";

/** The batch limit the page offers, and why. */
export interface BatchLimit {
  /** Largest batch the controls offer. */
  maxBatch: number;
  /** `backend`: its MAX_BATCH; `proxy`: the UI's body limit is lower; `default`: the backend's is unknown. */
  source: BatchLimitSource;
  /** A short phrase for the page, e.g. "the backend's MAX_BATCH". */
  note: string;
}

/**
 * The `MAX_BATCH` an OpenAPI document publishes: `readings.maxItems` of the
 * `PredictRequest` schema. Null when the document does not say (or says
 * something that is not a positive integer).
 */
export function maxBatchFromOpenApi(doc: unknown): number | null {
  const schema = path(doc, ["components", "schemas", "PredictRequest"]);
  // The request body may reference the schema or carry it inline.
  const inline = path(doc, [
    "paths",
    "/predict",
    "post",
    "requestBody",
    "content",
    "application/json",
    "schema",
  ]);
  for (const candidate of [schema, inline]) {
    const max = path(candidate, ["properties", "readings", "maxItems"]);
    if (typeof max === "number" && Number.isSafeInteger(max) && max >= 1) return max;
  }
  return null;
}

function path(value: unknown, keys: readonly string[]): unknown {
  let v = value;
  for (const key of keys) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * The largest batch the browser can send through the proxy: a body of
 * `maxBodyBytes` (PROXY_MAX_BODY_BYTES) holds this many readings. Offering
 * more would only earn a 413 from the UI server, whatever the backend allows.
 */
export function proxyCeiling(maxBodyBytes: number): number {
  return Math.max(1, Math.floor(maxBodyBytes / READING_JSON_BYTES));
}

/** The limit to offer: the backend's, capped by `ceiling`; the default (with `why`) when unknown. */
export function offeredLimit(backendMax: number | null, ceiling: number, why = ""): BatchLimit {
  if (backendMax === null) {
    const maxBatch = Math.min(DEFAULT_MAX_BATCH, ceiling);
    const reason = why ? ` (${why})` : "";
    return {
      maxBatch,
      source: "default",
      note: `the UI's default; the backend's MAX_BATCH is unknown${reason}`,
    };
  }
  if (backendMax > ceiling) {
    return {
      maxBatch: ceiling,
      source: "proxy",
      note:
        `the UI's PROXY_MAX_BODY_BYTES allows no more; the backend's MAX_BATCH is ${backendMax}`,
    };
  }
  return { maxBatch: backendMax, source: "backend", note: "the backend's MAX_BATCH" };
}

/** Options for {@link BatchLimits}. */
export interface BatchLimitOptions {
  /** The UI server's client for the backend (only `request` is used). */
  upstream: Pick<Upstream, "request">;
  /** The proxy's body limit, which caps the batch (see {@link proxyCeiling}). */
  maxBodyBytes: number;
  /** Keep a learned limit this long before asking again. Default 30 s. */
  ttlMs?: number;
  /** After a failure, ask again no sooner than this. Default 5 s. */
  retryMs?: number;
  /** A page waits at most this long for the backend's answer. Default 1 s. */
  waitMs?: number;
  /** Give up on the backend's answer after this long (below the proxy's upstream timeout). Default 3 s. */
  timeoutMs?: number;
  /** Clock in milliseconds; tests pass a fake. */
  now?: () => number;
}

/** What the cache holds. */
interface Known {
  limit: BatchLimit;
  /** Whether `limit` came from the backend (else it is the default). */
  learned: boolean;
  /** Ask the backend again from this time on. */
  staleAt: number;
}

/**
 * The cached, self-refreshing batch limit. {@link BatchLimits.current}
 * answers from the cache while it is fresh; when it is stale it asks the
 * backend (one request at a time) and waits at most `waitMs`, answering the
 * last known limit meanwhile. A failed refresh keeps a limit learned before.
 */
export class BatchLimits {
  readonly #o: Required<Omit<BatchLimitOptions, "upstream" | "maxBodyBytes">>;
  readonly #upstream: Pick<Upstream, "request">;
  readonly #ceiling: number;
  #known: Known | null = null;
  #inflight: Promise<BatchLimit> | null = null;

  /** Create the cache; nothing is fetched until the first {@link BatchLimits.current}. */
  constructor(options: BatchLimitOptions) {
    this.#upstream = options.upstream;
    this.#ceiling = proxyCeiling(options.maxBodyBytes);
    this.#o = {
      ttlMs: options.ttlMs ?? 30_000,
      retryMs: options.retryMs ?? 5_000,
      waitMs: options.waitMs ?? 1_000,
      timeoutMs: options.timeoutMs ?? 3_000,
      now: options.now ?? (() => performance.now()),
    };
  }

  /** The limit to offer now; never throws and never waits more than `waitMs`. */
  async current(): Promise<BatchLimit> {
    if (this.#known && this.#o.now() < this.#known.staleAt) return this.#known.limit;
    const refreshing = this.refresh();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.#o.waitMs);
    });
    const answer = await Promise.race([refreshing, waited]);
    clearTimeout(timer);
    return answer ?? this.#fallback("the backend did not answer in time");
  }

  /** Ask the backend now (joining a request already in flight); resolves with the limit to offer. */
  refresh(): Promise<BatchLimit> {
    this.#inflight ??= this.#fetch().finally(() => (this.#inflight = null));
    return this.#inflight;
  }

  async #fetch(): Promise<BatchLimit> {
    let max: number | null = null;
    let why = "";
    try {
      const res = await this.#upstream.request({
        method: "GET",
        path: "/openapi.json",
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      if (res.status !== 200) {
        why = `/openapi.json answered HTTP ${res.status}`;
      } else {
        max = maxBatchFromOpenApi(JSON.parse(new TextDecoder().decode(res.body)));
        if (max === null) why = "/openapi.json does not publish it";
      }
    } catch (err) {
      if (err instanceof SyntaxError) why = "/openapi.json is not JSON";
      else if (err instanceof UpstreamError && err.kind === "unreachable") {
        why = "the backend could not be reached";
      } else why = "the backend did not answer in time";
    }
    if (max === null) {
      // A limit learned before outlives a failure: the backend most likely still has it.
      const limit = this.#fallback(why);
      const learned = this.#known?.learned === true;
      this.#known = { limit, learned, staleAt: this.#o.now() + this.#o.retryMs };
      return limit;
    }
    const limit = offeredLimit(max, this.#ceiling);
    this.#known = { limit, learned: true, staleAt: this.#o.now() + this.#o.ttlMs };
    return limit;
  }

  /** The last learned limit, else the default with `why`. */
  #fallback(why: string): BatchLimit {
    return this.#known?.learned ? this.#known.limit : offeredLimit(null, this.#ceiling, why);
  }
}

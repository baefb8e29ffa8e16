/**
 * Memory-aware admission: every `/predict` reserves the bytes its body may
 * take from a per-worker {@link ByteBudget} before a byte is read: its
 * `Content-Length`, or for a chunked body a first 64 KiB that grows as bytes
 * arrive. The bytes return when the response is ready. Past the budget it
 * answers 503 with Retry-After, so overload is shed early and cheaply instead
 * of buffering, parsing and scoring more bodies than the container's memory
 * holds (the arithmetic is in docs/TECHNICAL_OVERVIEW.md, "Security and
 * limits").
 */
import type { MiddlewareHandler } from "hono";
import { ByteBudget, type Lease } from "../../../lib/byte_budget.ts";
import type { Config } from "../../config.ts";
import type { Metrics } from "../../metrics/metrics.ts";
import { GaugeSeries } from "../../metrics/metric_series.ts";
import { overBudget } from "../read_json.ts";
import type { JsonBodyVariables } from "./json_body.ts";

/** Options for {@link bodyBudget}. */
export interface BodyBudgetOptions {
  /** Body bytes admitted at once on this worker. */
  budgetBytes: number;
  /** The largest body accepted (MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** Called with the bytes reserved after every change (for the `body_bytes_in_flight` gauge). */
  onChange?: (reserved: number) => void;
}

/** First reservation of a chunked body; it grows as the body arrives. */
export const CHUNKED_START_BYTES = 64 * 1024;

/** The bytes a request reserves first: its declared length up to the limit, else a first share. */
export function reservationFor(
  contentLength: string | null | undefined,
  maxBodyBytes: number,
): number {
  const declared = contentLength ? Number(contentLength) : NaN;
  // Over the limit is answered 413 by the body reader, which never reads more than the limit.
  return Number.isFinite(declared) && declared >= 0
    ? Math.min(declared, maxBodyBytes)
    : Math.min(CHUNKED_START_BYTES, maxBodyBytes);
}

/** An `onChange` that keeps `body_bytes_in_flight` true (two updates per request, bound once). */
export function bodyBytesGauge(metrics: Metrics): (reserved: number) => void {
  const gauge = new GaugeSeries(metrics.bodyBytesInFlight);
  return (reserved) => gauge.set(reserved);
}

/**
 * A worker's body budget as `config` sizes it, reported in `body_bytes_in_flight`: the one
 * every route that reads a reading batch shares.
 */
export function workerBodyBudget(
  config: Pick<Config, "bodyBytesInFlightPerWorker" | "maxBodyBytes">,
  metrics: Metrics,
): BodyAdmission {
  return new BodyAdmission({
    budgetBytes: config.bodyBytesInFlightPerWorker,
    maxBodyBytes: config.maxBodyBytes,
    onChange: bodyBytesGauge(metrics),
  });
}

/** Admission of request bodies against one byte budget. */
export class BodyAdmission {
  readonly #budget: ByteBudget;
  readonly #budgetBytes: number;
  readonly #maxBodyBytes: number;

  /** A budget of `options.budgetBytes` for bodies of at most `options.maxBodyBytes`. */
  constructor(options: BodyBudgetOptions) {
    const { onChange } = options;
    this.#budget = new ByteBudget({
      limit: options.budgetBytes,
      ...(onChange ? { onChange } : {}),
    });
    this.#budgetBytes = options.budgetBytes;
    this.#maxBodyBytes = options.maxBodyBytes;
  }

  /**
   * Reserve room for a body that declares `contentLength` (or none: chunked), before reading
   * it; throws the 503 when the budget cannot. The body reader grows the lease as bytes come.
   */
  admit(contentLength: string | undefined): Lease {
    const lease = this.#budget.lease(
      reservationFor(contentLength, this.#maxBodyBytes),
      this.#maxBodyBytes,
    );
    if (lease === null) throw overBudget(this.#budgetBytes);
    return lease;
  }

  /** The admission as a middleware; it hands the body reader a way to grow the reservation. */
  middleware(): MiddlewareHandler<{ Variables: JsonBodyVariables }> {
    return async (c, next) => {
      const lease = this.admit(c.req.header("content-length"));
      c.set("admitBodyBytes", lease.grow);
      try {
        await next();
      } finally {
        lease.release();
      }
    };
  }
}

/** Create the admission middleware with a budget of its own. */
export function bodyBudget(
  options: BodyBudgetOptions,
): MiddlewareHandler<{ Variables: JsonBodyVariables }> {
  return new BodyAdmission(options).middleware();
}

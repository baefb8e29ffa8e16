/**
 * The UI server's configuration: the only frontend module that reads
 * environment variables. Every value is validated at start-up and a bad value
 * stops the process with a message naming the variable.
 */
import { parseInRange } from "../lib/ranges.ts";

/** Validated UI configuration. */
export interface UiConfig {
  host: string;
  port: number;
  /** The one backend every `/api/*` request goes to; never taken from a request. */
  backendUrl: string;
  /** Give up on an upstream request after this long and answer 504. */
  upstreamTimeoutMs: number;
  /**
   * Close pooled upstream connections idle for this long. Must stay below the
   * backend's keep-alive idle timeout (RELIABILITY R1.11), so the proxy never
   * reuses a socket the backend is closing.
   */
  upstreamIdleTimeoutMs: number;
  /**
   * Retire a pooled upstream client after this many requests, so keep-alive
   * does not pin a UI replica to one backend pod (RELIABILITY R1.16).
   */
  upstreamMaxRequestsPerConnection: number;
  /** Largest request body the proxy forwards. */
  maxBodyBytes: number;
  /** Proxied requests handled at once; more get 503 with Retry-After. */
  maxInflight: number;
  /**
   * Request body bytes the proxy admits at once (declared length, or
   * PROXY_MAX_BODY_BYTES for a chunked body); more get 503 with Retry-After.
   */
  maxInflightBytes: number;
  /** A request body must arrive completely within this long; after it 408. */
  bodyTimeoutMs: number;
  /** Seconds `/health` reports 503 (draining) before the listener closes on SIGTERM. */
  drainDelaySeconds: number;
  /** Seconds after the drain delay before in-flight requests are abandoned (exit 1). */
  shutdownDeadlineSeconds: number;
}

/** Raised when environment variables are invalid; the message lists them all. */
export class UiConfigError extends Error {
  /** One line per invalid variable. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "UiConfigError";
    this.problems = problems;
  }
}

/** Defaults for every variable. */
export const UI_DEFAULTS = {
  PORT: 8501,
  HOST: "0.0.0.0",
  BACKEND_URL: "http://localhost:8000",
  UPSTREAM_TIMEOUT_MS: 10_000,
  UPSTREAM_IDLE_TIMEOUT_MS: 4_000,
  UPSTREAM_MAX_REQUESTS_PER_CONNECTION: 100,
  PROXY_MAX_BODY_BYTES: 1_048_576,
  PROXY_MAX_INFLIGHT: 64,
  PROXY_MAX_INFLIGHT_BYTES: 16 * 1_048_576,
  BODY_TIMEOUT_MS: 10_000,
  DRAIN_DELAY_S: 5,
  SHUTDOWN_DEADLINE_S: 22,
} as const;

type NumericName = Exclude<keyof typeof UI_DEFAULTS, "HOST" | "BACKEND_URL">;

/** Check that `raw` is an absolute http(s) URL without credentials, query or fragment; returns it without a trailing slash. */
export function parseBackendUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`BACKEND_URL must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`BACKEND_URL must use http or https, got "${raw}"`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError(
      `BACKEND_URL must not carry credentials, a query or a fragment, got "${raw}"`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/** Parse and validate the configuration from `env`; throws {@link UiConfigError} listing every problem. */
export function loadUiConfig(env: Record<string, string | undefined>): UiConfig {
  const problems: string[] = [];
  const number = (name: NumericName, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") return UI_DEFAULTS[name];
    const parsed = parseInRange({ min, max, integer: true }, raw);
    if (parsed.ok) return parsed.value;
    problems.push(`${name} must be ${parsed.problem}, got "${raw}"`);
    return UI_DEFAULTS[name];
  };
  let backendUrl: string = UI_DEFAULTS.BACKEND_URL;
  const rawUrl = env.BACKEND_URL?.trim();
  if (rawUrl) {
    try {
      backendUrl = parseBackendUrl(rawUrl);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const config: UiConfig = {
    host: env.HOST?.trim() || UI_DEFAULTS.HOST,
    port: number("PORT", 0, 65_535),
    backendUrl,
    upstreamTimeoutMs: number("UPSTREAM_TIMEOUT_MS", 100, 600_000),
    upstreamIdleTimeoutMs: number("UPSTREAM_IDLE_TIMEOUT_MS", 100, 600_000),
    upstreamMaxRequestsPerConnection: number("UPSTREAM_MAX_REQUESTS_PER_CONNECTION", 1, 1_000_000),
    maxBodyBytes: number("PROXY_MAX_BODY_BYTES", 1_024, 64 * 1_048_576),
    maxInflight: number("PROXY_MAX_INFLIGHT", 1, 10_000),
    maxInflightBytes: number("PROXY_MAX_INFLIGHT_BYTES", 1_024, 1_073_741_824),
    bodyTimeoutMs: number("BODY_TIMEOUT_MS", 100, 600_000),
    drainDelaySeconds: number("DRAIN_DELAY_S", 0, 600),
    shutdownDeadlineSeconds: number("SHUTDOWN_DEADLINE_S", 1, 3_600),
  };
  if (problems.length === 0) {
    // One request of the largest size must fit, or it could never be served.
    if (config.maxInflightBytes < config.maxBodyBytes) {
      problems.push(
        `PROXY_MAX_INFLIGHT_BYTES must be at least PROXY_MAX_BODY_BYTES (${config.maxBodyBytes}), got ${config.maxInflightBytes}`,
      );
    }
    // An upload that started just before SIGTERM must be able to finish: its body, then the backend.
    const longestMs = config.bodyTimeoutMs + config.upstreamTimeoutMs;
    if (config.shutdownDeadlineSeconds * 1000 < longestMs) {
      problems.push(
        `SHUTDOWN_DEADLINE_S must be at least BODY_TIMEOUT_MS + UPSTREAM_TIMEOUT_MS (${longestMs} ms) so in-flight requests can finish, got ${config.shutdownDeadlineSeconds}`,
      );
    }
  }
  if (problems.length > 0) throw new UiConfigError(problems);
  return config;
}

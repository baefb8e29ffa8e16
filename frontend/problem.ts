/**
 * Problem details (RFC 9457) produced by the UI server itself, in the same
 * shape as the backend's: `{type,title,status,detail,error}`, so the browser
 * has one error format to show whoever wrote it.
 */
import { type ProblemBody, renderProblem } from "../backend/problem.ts";

/** Problems the UI server reports on its own behalf. */
export const UI_PROBLEMS = {
  "backend-unreachable": { status: 502, title: "Backend unreachable" },
  "backend-timeout": { status: 504, title: "Backend timed out" },
  "not-found": { status: 404, title: "Not found" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  "payload-too-large": { status: 413, title: "Payload too large" },
  "bad-request": { status: 400, title: "Bad request" },
  "body-timeout": { status: 408, title: "Request body not received in time" },
  "validation": { status: 422, title: "Invalid request" },
  "too-many-bursts": { status: 429, title: "Too many bursts running" },
  "client-closed": { status: 499, title: "Client closed request" },
  "shutting-down": { status: 503, title: "UI server shutting down" },
  "overloaded": { status: 503, title: "Too many requests in flight" },
  "not-built": { status: 503, title: "UI not built" },
  "internal": { status: 500, title: "Internal error" },
} as const;

/** One of {@link UI_PROBLEMS}. */
export type UiProblemType = keyof typeof UI_PROBLEMS;

/** The JSON body of a problem response: the backend's shape. */
export type UiProblemBody = ProblemBody;

/** Options of a {@link UiError}: problem extension members, response headers, the cause. */
export interface UiErrorOptions {
  headers?: HeadersInit;
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/** The UI server's one error type: thrown anywhere, rendered as a problem response by `onError`. */
export class UiError extends Error {
  readonly type: UiProblemType;
  readonly status: number;
  readonly headers: HeadersInit | undefined;
  readonly extra: Record<string, unknown> | undefined;

  /** An error of `type` whose one-sentence `detail` the client sees. */
  constructor(type: UiProblemType, detail: string, options: UiErrorOptions = {}) {
    super(detail, { cause: options.cause });
    this.name = "UiError";
    this.type = type;
    this.status = UI_PROBLEMS[type].status;
    this.headers = options.headers;
    this.extra = options.extra;
  }

  /** This error as an `application/problem+json` response. */
  toResponse(): Response {
    return uiProblemResponse(this.type, this.message, { headers: this.headers, extra: this.extra });
  }
}

/** Build a problem body of `type`; `detail` says what failed in one sentence. */
export function uiProblem(
  type: UiProblemType,
  detail: string,
  extra: Record<string, unknown> = {},
): UiProblemBody {
  const { status, title } = UI_PROBLEMS[type];
  return { ...extra, type: `urn:anomaly-ui:problem:${type}`, title, status, detail, error: detail };
}

/** Render a problem as an `application/problem+json` response. */
export function uiProblemResponse(
  type: UiProblemType,
  detail: string,
  options: { headers?: HeadersInit; extra?: Record<string, unknown> } = {},
): Response {
  const headers = new Headers(options.headers);
  headers.set("cache-control", "no-store");
  return renderProblem(uiProblem(type, detail, options.extra), headers);
}

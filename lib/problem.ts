/**
 * One error shape for every non-2xx response: RFC 9457 problem details
 * (`application/problem+json`) with an `errors` list of `{path, message}` and
 * an `error` string mirroring `detail` for clients of the Open Inference
 * Protocol style. Routes throw {@link HttpError}; `app.onError` renders it.
 */

/** Problem kinds this API returns; each has a section in `/docs`. */
export type ProblemType =
  | "malformed-json"
  | "unsupported-media-type"
  | "payload-too-large"
  | "validation"
  | "method-not-allowed"
  | "not-found"
  | "not-ready"
  | "overloaded"
  | "rate-limited"
  | "label-store-unavailable"
  | "body-timeout"
  | "unauthorized"
  | "forbidden"
  | "internal";

/** Status and title of each problem kind. */
export const PROBLEMS: Readonly<Record<ProblemType, { status: number; title: string }>> = {
  "malformed-json": { status: 400, title: "Malformed JSON" },
  "body-timeout": { status: 408, title: "Request body not received in time" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  "unauthorized": { status: 401, title: "Token required" },
  "forbidden": { status: 403, title: "Admin endpoints disabled" },
  "not-found": { status: 404, title: "Not found" },
  "payload-too-large": { status: 413, title: "Payload too large" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "validation": { status: 422, title: "Invalid request" },
  "internal": { status: 500, title: "Internal error" },
  "not-ready": { status: 503, title: "Model not ready" },
  "overloaded": { status: 503, title: "Too many concurrent requests" },
  "rate-limited": { status: 429, title: "Too many labels from this client" },
  "label-store-unavailable": { status: 503, title: "Label store unavailable" },
};

/** One problem with one field of the request. */
export interface FieldError {
  /** Where in the body, e.g. `readings[3].voltage`. */
  path: string;
  /** What is wrong, as a full sentence starting with the path. */
  message: string;
}

/** Options for {@link HttpError}. */
export interface HttpErrorOptions {
  errors?: FieldError[];
  /** Extension members added to the problem body (e.g. `limit`). */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error that becomes a problem+json response with the status of its type. */
export class HttpError extends Error {
  readonly type: ProblemType;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  /** Create an error of `type` whose `detail` is `detail`. */
  constructor(type: ProblemType, detail: string, options: HttpErrorOptions = {}) {
    super(detail, { cause: options.cause });
    this.name = "HttpError";
    this.type = type;
    this.status = PROBLEMS[type].status;
    this.errors = options.errors;
    this.extra = options.extra;
    this.headers = options.headers;
  }
}

/** The JSON body of a problem response. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  error: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Build the body for `err`; `requestId` becomes `instance` so logs and responses can be joined. */
export function problemBody(err: HttpError, requestId?: string): ProblemBody {
  return {
    ...err.extra,
    type: `/docs#problem-${err.type}`,
    title: PROBLEMS[err.type].title,
    status: err.status,
    detail: err.message,
    error: err.message,
    ...(requestId ? { instance: `urn:request:${requestId}` } : {}),
    ...(err.errors ? { errors: err.errors } : {}),
  };
}

/** Render any problem body as an `application/problem+json` response (the UI server uses this too). */
export function renderProblem(body: ProblemBody, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/problem+json");
  return new Response(JSON.stringify(body), { status: body.status, headers: h });
}

/** Render `err` as an `application/problem+json` response. */
export function problemResponse(err: HttpError, requestId?: string): Response {
  return renderProblem(problemBody(err, requestId), err.headers);
}

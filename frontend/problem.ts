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
  "validation": { status: 422, title: "Invalid request" },
  "too-many-bursts": { status: 429, title: "Too many bursts running" },
  "client-closed": { status: 499, title: "Client closed request" },
} as const;

/** One of {@link UI_PROBLEMS}. */
export type UiProblemType = keyof typeof UI_PROBLEMS;

/** The JSON body of a problem response: the backend's shape. */
export type UiProblemBody = ProblemBody;

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

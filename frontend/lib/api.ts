/**
 * The browser's calls to the UI server: `/api/*` only (the server proxies to
 * the backend). Every failure becomes a {@link Problem} with a title and a
 * sentence to show, whether the backend, the proxy or the network failed.
 */
import type { PredictResponse, Reading } from "../../lib/contract.ts";

/** An error to show the user. */
export interface Problem {
  title: string;
  detail: string;
  status: number;
}

/** What `POST /predict` answers (the contract's). */
export type { PredictResponse };

/** A call's outcome: data or a problem, plus the round trip in milliseconds. */
export type Outcome<T> =
  | { ok: true; data: T; latencyMs: number }
  | { ok: false; problem: Problem; latencyMs: number };

/** Header the proxy reads to open a new backend connection for this request. */
export const NEW_CONNECTION_HEADER = "x-new-connection";

async function problemOf(res: Response): Promise<Problem> {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    if (body && typeof body.title === "string") {
      const detail = typeof body.detail === "string" ? body.detail : body.title;
      return { title: body.title, detail, status: res.status };
    }
    // `/ready` answers 503 with `{status, ready, reason}` rather than a problem.
    if (body && typeof body.reason === "string") {
      return { title: "Backend not ready", detail: body.reason, status: res.status };
    }
  } catch {
    // not JSON: fall through
  }
  return {
    title: `HTTP ${res.status}`,
    detail: text.slice(0, 200) || res.statusText,
    status: res.status,
  };
}

/** Call `path` on the UI server and parse JSON; never throws. */
export async function callJson<T>(path: string, init: RequestInit = {}): Promise<Outcome<T>> {
  const start = performance.now();
  try {
    const res = await fetch(path, {
      ...init,
      headers: { accept: "application/json", ...init.headers },
    });
    const latencyMs = performance.now() - start;
    if (!res.ok) return { ok: false, problem: await problemOf(res), latencyMs };
    return { ok: true, data: (await res.json()) as T, latencyMs };
  } catch (err) {
    return {
      ok: false,
      latencyMs: performance.now() - start,
      problem: {
        title: "UI server unreachable",
        detail: `The request to ${path} failed in the browser: ${
          err instanceof Error ? err.message : String(err)
        }`,
        status: 0,
      },
    };
  }
}

/** Options of {@link predict}. */
export interface PredictOptions {
  newConnection?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Earlier readings of the same meters that fill a temporal model's windows (not scored). */
  context?: Reading[] | undefined;
}

/** Score readings through the proxy. */
export function predict(
  readings: Reading[],
  options: PredictOptions = {},
): Promise<Outcome<PredictResponse>> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.newConnection) headers[NEW_CONNECTION_HEADER] = "1";
  const context = options.context?.length ? { context: options.context } : {};
  return callJson<PredictResponse>("/api/predict", {
    method: "POST",
    headers,
    body: JSON.stringify({ readings, ...context }),
    signal: options.signal ?? null,
  });
}

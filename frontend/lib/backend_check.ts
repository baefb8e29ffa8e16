/**
 * One check of the backend's health, readiness and model, as the status
 * panel shows it. Works with backends that lack `/ready` and `/model` (the
 * workshop's Python original has only `/health`, `/predict` and `/metrics`):
 * a 404 there means "this backend does not have it", so readiness falls back
 * to `/health` and the panel says once, as a note, what is missing, instead
 * of a permanent error.
 */
import type { ModelInfo } from "../../backend/detector/types.ts";
import type { Outcome, Problem } from "./api.ts";

/** What `GET /health` answers (ours or the original's); every field but status is optional. */
export interface Health {
  status: string;
  model_loaded?: boolean;
  model_version?: string | null;
  served_by?: string;
  state?: string;
}

/** The status badge's states. */
export type Phase = "checking" | "ready" | "not-ready" | "unreachable";

/** Backend endpoints the panel uses beyond `/health`. */
export type OptionalEndpoint = "/ready" | "/model";

/** The outcome of one check. */
export interface BackendCheck {
  phase: Phase;
  health: Health | null;
  /** Something is wrong (red banner); null when all is well or merely missing. */
  problem: Problem | null;
  /** Endpoints this backend answered 404 for. */
  missing: OptionalEndpoint[];
  /** Model metadata when fetched in this check; null otherwise. */
  model: ModelInfo | null;
}

/** A JSON call through the UI server (`callJson` in the page; a fake in tests). */
export type CallJson = <T>(path: string) => Promise<Outcome<T>>;

/** True when `/health` itself says the model is loaded (the fallback without `/ready`). */
export function healthSaysReady(health: Health): boolean {
  if (health.model_loaded === false) return false;
  if (health.state !== undefined && health.state !== "ready") return false;
  return /^(ok|healthy|ready|up|pass)$/i.test(health.status);
}

/**
 * Check the backend once. `knownVersion` is the model version already shown:
 * `/model` is fetched only when it may have changed.
 */
export async function checkBackend(
  call: CallJson,
  knownVersion: string | null,
): Promise<BackendCheck> {
  const missing: OptionalEndpoint[] = [];
  const h = await call<Health>("/api/health");
  if (!h.ok) {
    return { phase: "unreachable", health: null, problem: h.problem, missing, model: null };
  }
  const r = await call<{ ready: boolean; reason?: string | null }>("/api/ready");
  let ready: boolean;
  let problem: Problem | null = null;
  if (r.ok) {
    ready = true;
  } else if (r.problem.status === 404) {
    missing.push("/ready");
    ready = healthSaysReady(h.data);
    if (!ready) {
      problem = {
        title: "Backend not ready",
        detail: `/health answered ${JSON.stringify(h.data.status)} without a loaded model`,
        status: 0,
      };
    }
  } else {
    ready = false;
    problem = r.problem;
  }
  let model: ModelInfo | null = null;
  if (ready && (knownVersion === null || knownVersion !== h.data.model_version)) {
    const m = await call<ModelInfo>("/api/model");
    if (m.ok) model = m.data;
    else if (m.problem.status === 404) missing.push("/model");
  }
  return { phase: ready ? "ready" : "not-ready", health: h.data, problem, missing, model };
}

/** One sentence saying what this backend lacks and what the panel does instead; null when nothing. */
export function missingNote(missing: readonly OptionalEndpoint[]): string | null {
  if (missing.length === 0) return null;
  const list = missing.join(" and ");
  const instead = [
    missing.includes("/ready") ? "readiness is taken from /health" : null,
    missing.includes("/model") ? "model details are not available" : null,
  ].filter(Boolean).join("; ");
  return `This backend has no ${list} endpoint${
    missing.length > 1 ? "s" : ""
  } (an older version, such as the workshop's original): ${instead}. Predictions work as usual.`;
}

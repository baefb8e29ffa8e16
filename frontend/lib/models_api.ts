/**
 * The model lifecycle from the browser (docs/MLOPS.md): the registry and this
 * replica's lifecycle figures (`GET /api/models`), labels for flagged
 * readings (`POST /api/feedback`), the admin calls that move an alias,
 * which carry the admin token the user typed, on those calls only, and what
 * a promotion's confirmation shows about the candidate.
 */
import type { MonitoringSummary } from "../../lib/contract.ts";
import { callJson, type Outcome } from "./api.ts";

/** An alias name. */
export type AliasName = "champion" | "challenger" | "canary";

/** An alias as `GET /models` shows it. */
export interface AliasView {
  alias: AliasName;
  version: string;
  model_version: string;
  updated_at: string;
  updated_by: string;
  /** The version before: the one-step rollback target. */
  previous: string | null;
  /** The canary's share of requests in percent (canary only). */
  percent?: number;
}

/** One version's figures over the canary guard's window. */
export interface RoleHealth {
  model_version: string;
  requests: number;
  error_rate: number | null;
  p99_seconds: number | null;
  anomaly_rate: number | null;
}

/** The canary as `GET /models` shows it: alias, what this replica routes, the guard's window. */
export interface CanaryView {
  alias: AliasView | null;
  /** The version this replica routes the share to (null: the champion answers it). */
  serving: string | null;
  percent: number;
  /** Why the alias's version is not routed to, or null. */
  reason: string | null;
  rollbacks: number;
  health: {
    window_s: number;
    covered_s: number;
    champion: RoleHealth | null;
    canary: RoleHealth | null;
    judged: boolean;
    breach: string | null;
  } | null;
  last_rollback: { at: string; model_version: string | null; reason: string | null } | null;
  guard: {
    window_s: number;
    max_error_rate: number;
    max_p99_ratio: number;
    max_anomaly_ratio: number;
    min_requests: number;
  };
}

/** One registered version (the fields the panel shows). */
export interface VersionView {
  version: string;
  model_version: string;
  created_at: string;
  source: string;
  aliases: AliasName[];
  config: { contamination: number; nEstimators: number; seed: number };
  /** Held-out evaluation: at training, or recorded later (own data, labels: `data` says which). */
  evaluation: { precision: number; recall: number; rocAuc?: number; data?: unknown } | null;
}

/** The pair compared in the shadow now. */
export interface ExperimentView {
  champion: string;
  challenger: string;
  /** The later of the two aliases' last moves. */
  started_at: string;
  /** When the answering worker started counting this pair. */
  counted_since: string;
}

/** What `GET /models` answers (the fields the panel reads). */
export interface ModelList {
  aliases: { champion: AliasView | null; challenger: AliasView | null; canary?: AliasView | null };
  serving: {
    served_by: string;
    champion: string | null;
    challenger: string | null;
    shadowing: boolean;
    shadow_rate: number;
    poll_interval_s: number;
  };
  retention: number;
  versions: VersionView[];
  /** Absent from backends that predate experiments. */
  experiment?: ExperimentView | null;
  /** Absent from backends that predate canaries. */
  canary?: CanaryView;
  monitoring: MonitoringSummary & { label_store?: { state: string; detail: string | null } };
}

/** What the promotion confirmation shows about a candidate version. */
export interface Candidate {
  model_version: string;
  /** Held-out precision and recall, or null when none is recorded. */
  evaluation: { precision: number; recall: number } | null;
  /** Live precision from stored labels, and how many labels it rests on. */
  livePrecision: number | null;
  labels: number;
  /** Whether it is the challenger of the current experiment. */
  shadowed: boolean;
  /** Its shadow agreement with the champion (null before any reading was shadowed). */
  agreement: number | null;
}

/** The facts a person should see before promoting `version` (from a `GET /models` answer). */
export function candidate(models: ModelList, version: VersionView): Candidate {
  const live = models.monitoring.feedback[version.model_version];
  const shadowed = models.experiment?.challenger === version.model_version;
  return {
    model_version: version.model_version,
    evaluation: version.evaluation
      ? { precision: version.evaluation.precision, recall: version.evaluation.recall }
      : null,
    livePrecision: live?.precision ?? null,
    labels: live ? live.tp + live.fp + live.fn + live.tn : 0,
    shadowed,
    agreement: shadowed ? models.monitoring.shadow.agreement : null,
  };
}

/** A label of a served verdict, by the `prediction_id` `/predict` gave it. */
export interface VerdictLabel {
  prediction_id: string;
  anomaly: boolean;
}

/** Post labels of served verdicts (stored once per id and label). */
export function postLabels(labels: VerdictLabel[]): Promise<Outcome<unknown>> {
  return callJson("/api/feedback", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ labels }),
  });
}

/** A reading with the label an operator gave it. */
export interface LabeledReading {
  voltage: number;
  current: number;
  frequency: number;
  anomaly: boolean;
}

/** The registry and the lifecycle figures of the replica that answered. */
export function fetchModels(): Promise<Outcome<ModelList>> {
  return callJson<ModelList>("/api/models");
}

/** Post labeled readings (backends without `prediction_id`): counted, not stored. */
export function postFeedback(readings: LabeledReading[]): Promise<Outcome<unknown>> {
  return callJson("/api/feedback", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ readings }),
  });
}

/** Point `alias` at `version` with the admin token (the canary also takes its `percent`). */
export function setAlias(
  alias: AliasName,
  version: string,
  token: string,
  percent?: number,
): Promise<Outcome<AliasView>> {
  return callJson<AliasView>(`/api/models/aliases/${alias}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(percent === undefined ? { version } : { version, percent }),
  });
}

/** Remove the challenger (end the shadow experiment) or the canary, with the admin token. */
export function removeAlias(
  alias: "challenger" | "canary",
  token: string,
): Promise<Outcome<unknown>> {
  return callJson(`/api/models/aliases/${alias}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${token}` },
  });
}

/** Remove the challenger alias with the admin token. */
export function removeChallenger(token: string): Promise<Outcome<unknown>> {
  return removeAlias("challenger", token);
}

/** How far a PSI value says the inputs moved, in words (the colour is only a second cue). */
export function driftLevel(psi: number): "no shift" | "moderate" | "significant" {
  if (psi < 0.1) return "no shift";
  return psi <= 0.25 ? "moderate" : "significant";
}

/** A share as a percentage with one decimal, or "—" when unknown. */
export function percent(share: number | null | undefined): string {
  return share === null || share === undefined || !Number.isFinite(share)
    ? "—"
    : `${(share * 100).toFixed(1)} %`;
}

/**
 * The model lifecycle from the browser (docs/MLOPS.md): the registry and this
 * replica's lifecycle figures (`GET /api/models`), labels for flagged
 * readings (`POST /api/feedback`), and the admin calls that move an alias,
 * which carry the admin token the user typed, on those calls only.
 */
import type { MonitoringSummary } from "../../lib/contract.ts";
import { callJson, type Outcome } from "./api.ts";

/** An alias as `GET /models` shows it. */
export interface AliasView {
  alias: "champion" | "challenger";
  version: string;
  model_version: string;
  updated_at: string;
  updated_by: string;
  /** The version before: the one-step rollback target. */
  previous: string | null;
}

/** One registered version (the fields the panel shows). */
export interface VersionView {
  version: string;
  model_version: string;
  created_at: string;
  source: string;
  aliases: ("champion" | "challenger")[];
  config: { contamination: number; nEstimators: number; seed: number };
  evaluation: { precision: number; recall: number; rocAuc?: number } | null;
}

/** What `GET /models` answers (the fields the panel reads). */
export interface ModelList {
  aliases: { champion: AliasView | null; challenger: AliasView | null };
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
  monitoring: MonitoringSummary;
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

/** Post labeled readings (a confirmed or dismissed alarm). */
export function postFeedback(readings: LabeledReading[]): Promise<Outcome<unknown>> {
  return callJson("/api/feedback", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ readings }),
  });
}

/** Point `alias` at `version` with the admin token. */
export function setAlias(
  alias: "champion" | "challenger",
  version: string,
  token: string,
): Promise<Outcome<AliasView>> {
  return callJson<AliasView>(`/api/models/aliases/${alias}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ version }),
  });
}

/** Remove the challenger alias with the admin token. */
export function removeChallenger(token: string): Promise<Outcome<unknown>> {
  return callJson("/api/models/aliases/challenger", {
    method: "DELETE",
    headers: { authorization: `Bearer ${token}` },
  });
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

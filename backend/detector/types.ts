/**
 * The detector's public shapes, shared by the model, the HTTP layer and the
 * tools. Pure types: no runtime imports.
 */
import type { Reading } from "../simulator/simulator.ts";

export type { Reading };

/** The features the model reads, in this order. */
export const FEATURES = ["voltage", "current", "frequency"] as const;

/** One of {@link FEATURES}. */
export type Feature = typeof FEATURES[number];

/** Everything that determines a trained model; the same config gives the same artifact. */
export interface ModelConfig {
  /** Expected share of anomalies; the threshold is this quantile of training scores. */
  contamination: number;
  /** Number of isolation trees. */
  nEstimators: number;
  /** Readings drawn (without replacement) to grow each tree. */
  sampleSize: number;
  /** Seed for the simulator's training data and for tree growth. */
  seed: number;
  /** Normal readings simulated for training. */
  trainingSize: number;
}

/** How severe a rule-based reason is. */
export type Severity = "info" | "warning" | "major" | "critical";

/** Why a reading was flagged: the signal, the band it leaves and the reference for that band. */
export interface Reason {
  /** The signal that deviates, or "model" when no grid limit is broken. */
  signal: Feature | "model";
  /** Stable machine-readable code, e.g. `voltage_swell`, `sensor_fault`, `model_outlier`. */
  code: string;
  /** Human-readable sentence naming the value and the band it leaves. */
  message: string;
  severity: Severity;
  /** The standard or configuration the band comes from (e.g. "EN 50160", "RATED_CURRENT"). */
  reference?: string;
  /** For `model_outlier`: the feature furthest from the training data. */
  feature?: string;
}

/** The model's verdict on one reading. */
export interface Prediction {
  anomaly: boolean;
  /** Isolation-forest score in (0, 1): higher means more anomalous. */
  score: number;
  /** Present when `anomaly` is true. */
  reasons?: Reason[];
}

/** Metadata about the loaded model, served by `GET /model`. */
export interface ModelInfo {
  name: "isolation_forest";
  /** Content hash of the artifact (e.g. `sha256:ab12...`, first 12 hex digits shown). */
  version: string;
  /** Feature names in model order: {@link FEATURES} for the service, CSV columns for own data. */
  features: readonly string[];
  config: ModelConfig;
  /** Scores at or above this are anomalies. */
  threshold: number;
  /** Facts about training: sample count, score quantiles, evaluation on a labeled set. */
  training: Record<string, unknown>;
  /** Where this model came from: "trained at startup", "loaded from artifact", ... */
  source: string;
  /** When this model was trained or its artifact written (ISO-8601); not part of the artifact hash. */
  createdAt?: string;
  /** Why the served model is not the one the service's configuration asks for, when it is not. */
  warning?: string;
}

/** What the HTTP layer needs from a model. */
export interface Detector {
  readonly info: ModelInfo;
  /** Score a batch. Inputs are already validated as finite numbers. */
  predict(readings: readonly Reading[]): Prediction[];
}

/**
 * The API contract's shapes: what `/predict` and `/model` send and receive.
 * One module for the backend, the UI, the load tools and the tests. Pure
 * types and constants: it imports only the simulator's reading.
 */
import type { Reading } from "./simulator/simulator.ts";

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
  /**
   * Higher means more anomalous: the isolation forest's score in (0, 1), or
   * the temporal model's largest window z-score relative to its calibration.
   */
  score: number;
  /** Present when `anomaly` is true. */
  reasons?: Reason[];
}

/** What `GET /model` shows of either detector; {@link ModelInfo} and {@link TemporalInfo} add name and config. */
interface DetectorInfoFields {
  /** Content hash of the artifact (e.g. `sha256:ab12...`, first 12 hex digits shown). */
  version: string;
  /** Feature names in model order: {@link FEATURES} for the service, CSV columns for own data. */
  features: readonly string[];
  /** Scores at or above this are anomalies (a temporal model's are normalized). */
  threshold: number;
  /** Facts about training: sample count, score quantiles, evaluation on a labeled set. */
  training: Record<string, unknown>;
  /** Where this model came from: "trained at startup", "loaded from artifact", ... */
  source: string;
  /** The artifact file it was loaded from when that is a registry version (shown path: relative or file name). */
  artifact?: string;
  /** When this model was trained or its artifact written (ISO-8601); not part of the artifact hash. */
  createdAt?: string;
  /** Why the served model is not the one the service's configuration asks for, when it is not. */
  warning?: string;
}

/** Metadata about a loaded isolation forest, served by `GET /model`. */
export interface ModelInfo extends DetectorInfoFields {
  name: "isolation_forest";
  config: ModelConfig;
}

/** What determines a temporal model besides its data. */
export interface TemporalConfig {
  /** Readings per window, the scored one included (2 to 256). */
  window: number;
  /** Share of training readings at or above the threshold (0 to 0.5]. */
  contamination: number;
}

/** Metadata about a loaded temporal model, served by `GET /model`. */
export interface TemporalInfo extends DetectorInfoFields {
  name: "temporal_window";
  config: TemporalConfig;
}

/** Metadata of either detector. */
export type DetectorInfo = ModelInfo | TemporalInfo;

/** A verdict as `/predict` serves it: with the id a label names (`POST /feedback`). */
export interface ServedPrediction extends Prediction {
  /** This verdict's receipt: model version, time, verdict and reading (`prediction_id.ts`). */
  prediction_id: string;
}

/** The `/predict` response body. */
export interface PredictResponse {
  predictions: ServedPrediction[];
  anomalies: number;
  total: number;
  served_by: string;
  model_version: string;
}

/** Feedback outcomes of one model version, with the precision and recall they give. */
export interface FeedbackTally {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number | null;
  recall: number | null;
}

/**
 * A drift verdict: `drift` (significant after the multiple-testing correction and at least the
 * minimum effect size), `no_drift`, `insufficient_data` (the window holds fewer than
 * `DRIFT_MIN_READINGS`) or `no_reference` (the champion's artifact carries no training sample,
 * or none from the hours of the window's readings).
 */
export type DriftVerdict = "drift" | "no_drift" | "insufficient_data" | "no_reference";

/** One feature's drift tests against the champion's training sample. */
export interface FeatureDrift {
  /** Two-sample Kolmogorov–Smirnov statistic and p-value; null without a verdict. */
  ks_statistic: number | null;
  ks_p_value: number | null;
  /** Population stability index over the training deciles; null without enough data. */
  psi: number | null;
  verdict: DriftVerdict;
}

/** The drift tests of one replica's window (`GET /models` → `monitoring.drift`). */
export interface DriftSummary {
  /** `drift` when any feature or the multivariate check says so. */
  verdict: DriftVerdict;
  window: {
    /** Readings in the window, and the fewest that give a verdict. */
    readings: number;
    min_readings: number;
    /** Most readings and oldest reading kept (seconds). */
    capacity: number;
    max_age_s: number;
  };
  /**
   * Rows of the champion's training sample the window is compared with (0: none from the
   * window's hours), or null when its artifact has none.
   */
  reference_rows: number | null;
  /**
   * `time_of_day`: the training rows within 45 minutes of the window readings' times of day
   * (the sample and the readings carry times); `all_rows`: the whole sample.
   */
  reference_match: "all_rows" | "time_of_day";
  thresholds: {
    /** Family-wise significance level, and each test's after Bonferroni. */
    alpha: number;
    per_test_alpha: number;
    correction: "bonferroni";
    /** Smallest KS statistic that counts as drift (effect size). */
    min_ks_statistic: number;
  };
  features: Record<string, FeatureDrift>;
  /** MMD on whole rows (Gaussian kernel, permutation p-value). */
  multivariate: {
    test: "mmd";
    statistic: number | null;
    p_value: number | null;
    verdict: DriftVerdict;
  };
}

/** What `GET /models` reports under `monitoring`: one replica's lifecycle figures. */
export interface MonitoringSummary {
  /** Readings the champion scored and flagged. */
  champion: { readings: number; anomalies: number; anomaly_rate: number | null };
  shadow: {
    /** Shadowed readings on which both models agree, or not. */
    agree: number;
    disagree: number;
    agreement: number | null;
    /** Shadowed readings the challenger flags, and its share. */
    anomalies: number;
    anomaly_rate: number | null;
    /** Readings not shadowed because the queue was full. */
    dropped: number;
  };
  /** Drift tests of the window against the champion's training sample. */
  drift: DriftSummary;
  /** Feedback outcomes per `model_version`, with precision and recall. */
  feedback: Record<string, FeedbackTally>;
}

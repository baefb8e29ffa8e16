/**
 * The detector's interface to the service. The shapes it reads and returns
 * are the API contract's (lib/contract.ts), re-exported here for the detector
 * and its users. Pure types: no runtime imports besides the contract.
 */
import type { DetectorInfo, Prediction, Reading } from "../../lib/contract.ts";

export {
  type DetectorInfo,
  type Feature,
  FEATURES,
  type ModelConfig,
  type ModelInfo,
  type Prediction,
  type Reading,
  type Reason,
  type Severity,
  type TemporalConfig,
  type TemporalInfo,
} from "../../lib/contract.ts";

/** Options for {@link Detector.predict}. */
export interface PredictOptions {
  /**
   * Earlier readings of the same meters, oldest first: they fill a temporal
   * model's windows and get no prediction. The point forest ignores them.
   */
  context?: readonly Reading[];
}

/** What the HTTP layer needs from a model. */
export interface Detector {
  readonly info: DetectorInfo;
  /** Score a batch in time order per meter. Inputs are already validated as finite numbers. */
  predict(readings: readonly Reading[], options?: PredictOptions): Prediction[];
}

/**
 * The detector's public face: what the service, the tools and the tests outside
 * this folder use. Callers import this module, never the modules behind it, so
 * those can be split or merged without touching a caller.
 */
export {
  type AnyModel,
  artifactFormat,
  parseAnyArtifact,
  serializeAnyArtifact,
} from "./any_artifact.ts";
export { parseArtifact, serializeArtifact } from "./artifact.ts";
export {
  binIndex,
  type DriftReference,
  driftReference,
  readDriftReference,
} from "./drift_reference.ts";
export {
  DAY_MS,
  readReferenceSample,
  REFERENCE_SAMPLE_ROWS,
  type ReferenceSample,
  referenceSample,
  timeOfDaySeconds,
} from "./reference_sample.ts";
export {
  averagePrecision,
  type ConfusionMatrix,
  evaluateScores,
  prCurve,
  type PrPoint,
  quantile,
  rocAuc,
} from "./evaluation.ts";
export { detectEvents, eventsFromLabels } from "./events.ts";
export { type FleetTrainingOptions, trainFleetTemporal, TRAINING_FLEET } from "./fleet_training.ts";
export { defaultGridMap, type GridMap, parseGridSpec } from "./grid.ts";
export { growForest, IsolationForest, MAX_FEATURES } from "./isolation_forest.ts";
export {
  EVALUATION_SET,
  type LabeledMatrix,
  Model,
  type ModelOptions,
  simulatedDay,
  simulatedSet,
  thresholdFor,
  toMatrix,
  trainModel,
  type TrainModelOptions,
  validateModelConfig,
} from "./model.ts";
export { DEFAULT_MODEL_CONFIG, MODEL_SETTINGS, sameModelConfig } from "./model_config.ts";
export { hasSensorFault } from "./reasons.ts";
export { beyondTrainingRange, RANGE_GUARD_SD } from "./range_guard.ts";
export { previousInStream } from "./streams.ts";
export {
  DEFAULT_TEMPORAL_CONFIG,
  fitTemporal,
  MIN_METER_ROWS,
  TemporalModel,
  WINDOW_RANGE,
} from "./temporal.ts";
export { TEMPORAL_FORMAT } from "./temporal_artifact.ts";
export {
  type Detector,
  FEATURES,
  type ModelConfig,
  type ModelInfo,
  type Prediction,
  type Reading,
  type TemporalConfig,
} from "./types.ts";
export { STATS_PER_CHANNEL, WindowScratch, windowStats } from "./window_stats.ts";

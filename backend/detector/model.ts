/**
 * The anomaly model the service runs: an isolation forest over named
 * features, a threshold at the contamination quantile of training scores,
 * training statistics for explanations, and a training summary with an
 * evaluation on held-out labeled data. Pure TypeScript.
 */
import { growForest, IsolationForest } from "./isolation_forest.ts";
import { driftReference } from "./drift_reference.ts";
import { DAY_MS, referenceSample } from "./reference_sample.ts";
import { evaluateScores, quantile } from "./evaluation.ts";
import { DEFAULT_RATED_CURRENT, explain, type FeatureStats, hasSensorFault } from "./reasons.ts";
import { beyondTrainingRange } from "./range_guard.ts";
import { contentHash, type ModelParts } from "./_canonical.ts";
import { detectorInfo } from "./_info.ts";
import { defaultGridMap, type GridMap, quantitiesOf } from "./grid.ts";
import { DEFAULT_MODEL_CONFIG, validateModelConfig } from "./model_config.ts";
import {
  type Detector,
  FEATURES,
  type ModelConfig,
  type ModelInfo,
  type Prediction,
  type Reading,
} from "./types.ts";
import { type LabeledReading, Simulator } from "../../lib/simulator/simulator.ts";

export type { ModelParts };
// One home for the config's defaults and ranges; re-exported for the model's users.
export { DEFAULT_MODEL_CONFIG, validateModelConfig };

/** The held-out set every simulator-trained model is evaluated on (seed = training seed + 1). */
export const EVALUATION_SET = Object.freeze({ size: 5_000, anomalyRate: 0.05, seedOffset: 1 });

/**
 * Offset between the training seed and the tree-growth PRNG seed, so tree
 * growth does not replay the simulator's random stream (the golden ratio in
 * 32 bits; the two mulberry32 streams are hundreds of millions of steps apart).
 */
const FOREST_SEED_OFFSET = 0x9e3779b9;

/** Row-major matrix of `rows`, one column per feature, read by name. */
export function toMatrix(
  rows: readonly Reading[],
  features: readonly string[] = FEATURES,
): Float64Array {
  const nf = features.length;
  const matrix = new Float64Array(rows.length * nf);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as unknown as Record<string, unknown>;
    for (let f = 0; f < nf; f++) {
      const value = row[features[f]];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new TypeError(
          `readings[${r}].${features[f]} must be a finite number, got ${JSON.stringify(value)}`,
        );
      }
      matrix[r * nf + f] = value;
    }
  }
  return matrix;
}

/** Options for {@link Model}. */
export interface ModelOptions {
  /** Where the model came from, shown in `info.source`. Default "constructed in memory". */
  source?: string | undefined;
  /** The artifact file it was read from when that is a registry version, shown in `info.artifact`. */
  artifact?: string | undefined;
  /** When it was trained or written (ISO-8601), shown in `info.createdAt`. */
  createdAt?: string | undefined;
  /** Rated current in amperes for `current_high` reasons. Default {@link DEFAULT_RATED_CURRENT}. */
  ratedCurrent?: number | undefined;
  /** Why this model may not be what the service was configured for, shown in `info.warning`. */
  warning?: string | undefined;
}

/** A trained isolation-forest detector. Build one with {@link trainModel} or `parseArtifact`. */
export class Model implements Detector {
  /** Metadata for `GET /model`. */
  readonly info: ModelInfo;
  /** The model's data, exactly what the artifact stores. */
  readonly parts: Readonly<ModelParts>;
  /** The full content hash, `sha256:` and 64 hex digits (`info.version` shows 12). */
  readonly contentHash: string;
  /** The scorer. */
  readonly forest: IsolationForest;
  /** Rated current used by reasons. */
  readonly ratedCurrent: number;
  /** Which features are grid quantities (the artifact's map, else by name). */
  readonly grid: GridMap;
  /** Per feature, its grid quantity or "" (what the grid rules read). */
  readonly quantities: readonly string[];

  /** Wrap trained parts; computes the content hash. */
  constructor(parts: ModelParts, options: ModelOptions = {}) {
    if (parts.features.length !== parts.forest.nFeatures) {
      throw new RangeError(
        `Model has ${parts.features.length} feature names but its forest has ` +
          `${parts.forest.nFeatures} features`,
      );
    }
    this.parts = parts;
    this.forest = new IsolationForest(parts.forest);
    this.contentHash = contentHash(parts);
    this.ratedCurrent = options.ratedCurrent ?? DEFAULT_RATED_CURRENT;
    this.grid = parts.grid ?? defaultGridMap(parts.features);
    this.quantities = quantitiesOf(parts.features, this.grid);
    this.info = detectorInfo<ModelInfo>("isolation_forest", this.contentHash, parts, options);
  }

  /** Feature names in column order. */
  get features(): readonly string[] {
    return this.parts.features;
  }

  /** Scores at or above this are anomalies. */
  get threshold(): number {
    return this.parts.threshold;
  }

  /** The same model with other options (source, time, rated current); shares the forest data. */
  withOptions(options: ModelOptions): Model {
    return new Model(this.parts, {
      source: this.info.source,
      artifact: this.info.artifact,
      createdAt: this.info.createdAt,
      ratedCurrent: this.ratedCurrent,
      warning: this.info.warning,
      ...options,
    });
  }

  /** Scores of a row-major matrix (one column per feature, finite values). */
  scoreMatrix(matrix: Float64Array, out?: Float64Array): Float64Array {
    return this.forest.scoreMatrix(matrix, out);
  }

  /**
   * True when a rule flags the row at `offset` of a row-major matrix whatever
   * its score: a grid value is physically impossible (a sensor fault), or a
   * value lies beyond the training range (`range_guard.ts`).
   */
  flaggedByRule(matrix: Float64Array, offset: number): boolean {
    return ruleFlag(matrix, offset, this.quantities, this.parts.stats);
  }

  /** {@link flaggedByRule} for every row of a row-major matrix. */
  ruleFlags(matrix: Float64Array): boolean[] {
    const nf = this.features.length;
    return Array.from({ length: matrix.length / nf }, (_, r) => this.flaggedByRule(matrix, r * nf));
  }

  /**
   * Predictions for readings (features read by name). A reading is anomalous
   * when its score reaches the threshold or a rule flags it
   * ({@link flaggedByRule}); anomalies carry reasons.
   * Throws TypeError naming the reading and field when a value is not a finite number.
   */
  predict(readings: readonly Reading[]): Prediction[] {
    return this.predictMatrix(toMatrix(readings, this.features));
  }

  /** {@link predict} for a row-major matrix. */
  predictMatrix(matrix: Float64Array): Prediction[] {
    const scores = this.forest.scoreMatrix(matrix);
    const nf = this.features.length;
    const n = matrix.length / nf;
    const { threshold, stats } = this.parts;
    const explainOptions = {
      features: this.features,
      quantities: this.quantities,
      stats,
      ratedCurrent: this.ratedCurrent,
    };
    const out: Prediction[] = new Array(n);
    for (let r = 0; r < n; r++) {
      const score = scores[r];
      // A view on the row only for an anomaly: 64 views per batch were a tenth of its garbage.
      if (score >= threshold || this.flaggedByRule(matrix, r * nf)) {
        const row = matrix.subarray(r * nf, r * nf + nf);
        out[r] = { anomaly: true, score, reasons: explain(row, explainOptions) };
      } else {
        out[r] = { anomaly: false, score };
      }
    }
    return out;
  }
}

/**
 * The point model's rules, besides its score: a physically impossible grid
 * value (`quantities` names each column's grid quantity) or a value beyond
 * the training range (`stats`, see `range_guard.ts`), for the row at `offset`.
 */
function ruleFlag(
  matrix: Float64Array,
  offset: number,
  quantities: readonly string[],
  stats: FeatureStats,
): boolean {
  return hasSensorFault(matrix, quantities, offset) || beyondTrainingRange(matrix, stats, offset);
}

/** The (1 - contamination) quantile of training scores: about that share scores at or above it. */
export function thresholdFor(sortedScores: ArrayLike<number>, contamination: number): number {
  return quantile(sortedScores, 1 - contamination);
}

/** Mean, population standard deviation, smallest and largest value of each column. */
export function featureStats(matrix: Float64Array, nFeatures: number): Required<FeatureStats> {
  const n = matrix.length / nFeatures;
  const mean = new Array<number>(nFeatures).fill(0);
  const sd = new Array<number>(nFeatures).fill(0);
  const min = new Array<number>(nFeatures).fill(Infinity);
  const max = new Array<number>(nFeatures).fill(-Infinity);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < nFeatures; f++) {
      const v = matrix[r * nFeatures + f];
      mean[f] += v;
      if (v < min[f]) min[f] = v;
      if (v > max[f]) max[f] = v;
    }
  }
  for (let f = 0; f < nFeatures; f++) mean[f] /= n;
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < nFeatures; f++) sd[f] += (matrix[r * nFeatures + f] - mean[f]) ** 2;
  }
  for (let f = 0; f < nFeatures; f++) sd[f] = Math.sqrt(sd[f] / n);
  return { mean, sd, min, max };
}

/** A labeled data set as a row-major matrix. */
export interface LabeledMatrix {
  matrix: Float64Array;
  labels: boolean[];
  /** Epoch ms of each row, when known. */
  times?: Float64Array;
  /** What the data is (source, seed, size...), recorded in training summaries. */
  description: Record<string, unknown>;
}

/** Options for {@link simulatedSet}. */
export interface SimulatedSetOptions {
  size: number;
  seed: number;
  /** Share of anomalies. Default 0. */
  anomalyRate?: number;
}

/**
 * `size` simulated readings spread evenly over one day (from the simulator's
 * default start), so a model and its drift reference see every hour's load:
 * a service runs all day, and a training set of consecutive seconds would
 * cover a few night hours only.
 */
export function simulatedDay(size: number, seed: number, anomalyRate = 0): LabeledReading[] {
  return new Simulator({ seed, anomalyRate, ...daySpacing(size) }).batch(size);
}

/** Where {@link simulatedDay} starts and how far apart its readings are. */
function daySpacing(size: number): { start: number; intervalMs: number } {
  return { start: SIMULATED_DAY, intervalMs: Math.max(1, Math.floor(DAY_MS / Math.max(1, size))) };
}

/** The simulated day: 2026-01-01 UTC. */
const SIMULATED_DAY = Date.UTC(2026, 0, 1);

/** Labeled simulated readings ({@link simulatedDay}) as a matrix over {@link FEATURES}. */
export function simulatedSet(options: SimulatedSetOptions): LabeledMatrix {
  const anomalyRate = options.anomalyRate ?? 0;
  const readings = simulatedDay(options.size, options.seed, anomalyRate);
  const { start, intervalMs } = daySpacing(options.size);
  return {
    matrix: toMatrix(readings),
    labels: readings.map((r) => r.anomaly),
    times: Float64Array.from(readings, (_, i) => start + i * intervalMs),
    description: {
      source: "simulator",
      seed: options.seed,
      anomalyRate,
      readings: options.size,
      span: "one day",
    },
  };
}

/** Options for {@link trainModel}. */
export interface TrainModelOptions {
  /**
   * Own training rows (row-major, one column per entry of `features`) instead
   * of simulated normal readings; must hold `config.trainingSize` rows.
   */
  data?: Float64Array;
  /** Feature names of `data`. Default {@link FEATURES}. */
  features?: readonly string[];
  /** Epoch ms of each row of `data`, when known: the drift reference keeps their times of day. */
  times?: Float64Array;
  /** Describes `data` in the training summary (e.g. file name and hash). */
  dataDescription?: Record<string, unknown>;
  /**
   * Labeled held-out set to evaluate on, or false for none. Default: simulated
   * readings per {@link EVALUATION_SET} when the features are {@link FEATURES}.
   */
  evaluation?: LabeledMatrix | false;
  /**
   * Which features are grid quantities, stored in the artifact. Default: none
   * recorded, so features named `voltage`, `current`, `frequency` are.
   */
  grid?: GridMap;
  /** Passed to the model. */
  source?: string | undefined;
  /** Passed to the model. */
  createdAt?: string | undefined;
  /** Passed to the model. */
  ratedCurrent?: number | undefined;
}

function sameFeatures(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/**
 * Train a model: grow the forest on `config.trainingSize` normal readings
 * from {@link simulatedDay} (or on `options.data`), set
 * the threshold at the contamination quantile of the training scores, and
 * summarise. The same config and data always give the same model and version.
 */
export function trainModel(config: ModelConfig, options: TrainModelOptions = {}): Model {
  validateModelConfig(config);
  const features = options.features ?? FEATURES;
  if (features.length === 0) throw new RangeError("A model needs at least one feature, got none");
  if (new Set(features).size !== features.length) {
    throw new RangeError(`Feature names must be unique, got ${features.join(",")}`);
  }
  const nf = features.length;
  let data: Float64Array;
  let times: Float64Array | undefined = options.times;
  let description: Record<string, unknown>;
  if (options.data) {
    data = options.data;
    if (data.length !== config.trainingSize * nf) {
      throw new RangeError(
        `Training data must hold trainingSize (${config.trainingSize}) rows of ${nf} values, ` +
          `got ${data.length / nf} rows`,
      );
    }
    description = options.dataDescription ?? { source: "data", rows: config.trainingSize };
  } else {
    if (!sameFeatures(features, FEATURES)) {
      throw new RangeError(
        `Simulated training data has the features ${FEATURES.join(",")}, got ${features.join(",")}`,
      );
    }
    const set = simulatedSet({ size: config.trainingSize, seed: config.seed });
    data = set.matrix;
    times = set.times;
    description = set.description;
  }

  const forest = growForest(data, {
    nFeatures: nf,
    nEstimators: config.nEstimators,
    sampleSize: config.sampleSize,
    seed: (config.seed + FOREST_SEED_OFFSET) >>> 0,
  });
  const scorer = new IsolationForest(forest);
  const sorted = scorer.scoreMatrix(data).sort();
  const threshold = thresholdFor(sorted, config.contamination);
  let flagged = 0;
  for (let i = 0; i < sorted.length; i++) if (sorted[i] >= threshold) flagged++;

  let evaluationSet = options.evaluation;
  if (evaluationSet === undefined && sameFeatures(features, FEATURES)) {
    evaluationSet = simulatedSet({
      size: EVALUATION_SET.size,
      seed: (config.seed + EVALUATION_SET.seedOffset) >>> 0,
      anomalyRate: EVALUATION_SET.anomalyRate,
    });
  }
  let evaluation: Record<string, unknown> | null = null;
  const quantities = quantitiesOf(features, options.grid ?? defaultGridMap(features));
  const stats = featureStats(data, nf);
  if (evaluationSet) {
    const scores = scorer.scoreMatrix(evaluationSet.matrix);
    // Flagged as served: the same rules as predict().
    const forced = evaluationSet.labels.map((_, r) =>
      ruleFlag(evaluationSet.matrix, r * nf, quantities, stats)
    );
    const e = evaluateScores(scores, evaluationSet.labels, { threshold, forced });
    evaluation = {
      data: evaluationSet.description,
      precision: e.precision,
      recall: e.recall,
      f1: e.f1,
      rocAuc: e.rocAuc,
      confusion: e.confusion,
    };
  }

  const q = (p: number) => quantile(sorted, p);
  const training = {
    data: description,
    samples: config.trainingSize,
    sampleSize: forest.sampleSize,
    scoreQuantiles: {
      min: sorted[0],
      p50: q(0.5),
      p90: q(0.9),
      p95: q(0.95),
      p99: q(0.99),
      max: sorted[sorted.length - 1],
    },
    flaggedShare: flagged / sorted.length,
    evaluation,
    // What the inputs looked like, so serving can measure drift against it.
    driftReference: driftReference(data, features),
    // A bounded sample of the rows themselves, for the drift tests (KS per feature, MMD).
    referenceSample: referenceSample(data, features, undefined, times),
  };
  const parts: ModelParts = {
    config: { ...config },
    features: [...features],
    threshold,
    // A JSON round trip makes the in-memory summary identical to a parsed one (NaN becomes null).
    training: JSON.parse(JSON.stringify(training)),
    stats,
    ...(options.grid ? { grid: { ...options.grid } } : {}),
    forest,
  };
  return new Model(parts, {
    source: options.source ?? "trained in process",
    createdAt: options.createdAt,
    ratedCurrent: options.ratedCurrent,
  });
}

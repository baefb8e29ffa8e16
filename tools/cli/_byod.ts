/**
 * "Bring your own data": score the rows of labeled files with a detector of
 * either kind and evaluate them per file and pooled. Shared by `train` (which
 * fits first) and `evaluate` (which loads an artifact); `_byod_report.ts`
 * turns the result into text, JSON, a scores CSV and an SVG.
 */
import {
  type AnyModel,
  beyondTrainingRange,
  hasSensorFault,
  Model,
  prCurve,
  type TemporalModel,
} from "../../backend/detector/mod.ts";
import { type Dataset, type Split, streamKeys } from "./_dataset.ts";
import { type Evaluated, evaluateRows, poolEvaluations, type RowsReport } from "./_evaluation.ts";

/** A file scored by a model. */
export interface ScoredFile {
  ds: Dataset;
  split: Split;
  /** Score of every row. */
  scores: Float64Array;
  /** Grid-rule flag of every row. */
  grid: boolean[];
  /** Range-guard flag of every row (the point model's; all false for the temporal model). */
  range: boolean[];
  keys: string[];
}

/** Which detector a model is, as the tools name it. */
export function detectorKind(model: AnyModel): "point" | "temporal" {
  return model instanceof Model ? "point" : "temporal";
}

/** Score every row of a file: the forest row by row, the temporal model per meter stream. */
export function scoreFile(model: AnyModel, ds: Dataset, split: Split): ScoredFile {
  const keys = streamKeys(ds);
  const matrix = ds.data.matrix;
  const scores = model instanceof Model
    ? model.scoreMatrix(matrix)
    : (model as TemporalModel).scoreRows(matrix, keys);
  const nf = model.features.length;
  const range = Array.from(
    { length: scores.length },
    (_, r) => model instanceof Model && beyondTrainingRange(matrix, model.parts.stats, r * nf),
  );
  return { ds, split, scores, grid: gridFlags(matrix, model.quantities), range, keys };
}

/**
 * Per row of a row-major matrix (one column per entry of `quantities`),
 * whether a grid rule flags it: a physically impossible value of a grid quantity.
 */
export function gridFlags(matrix: Float64Array, quantities: readonly string[]): boolean[] {
  const nf = quantities.length;
  return Array.from(
    { length: matrix.length / nf },
    (_, r) => hasSensorFault(matrix.subarray(r * nf, r * nf + nf), quantities),
  );
}

/** The per-file and pooled evaluation of scored files at `threshold`. */
export interface Evaluation {
  files: (RowsReport & { file: string; train_rows: number; fit_rows: number })[];
  pooled: RowsReport;
  /** Precision-recall curve of all evaluated rows. */
  pr: ReturnType<typeof prCurve>;
}

/** Evaluate the test rows of every file, and pooled. */
export function evaluateFiles(files: readonly ScoredFile[], threshold: number): Evaluation {
  const parts: Evaluated[] = files.map((f) =>
    evaluateRows({
      scores: f.scores,
      threshold,
      rows: f.split.test,
      labels: f.ds.data.labels,
      grid: f.grid,
      range: f.range,
      keys: f.keys,
    })
  );
  const labeled = parts.every((p) => p.labels !== null);
  return {
    files: parts.map((p, i) => ({
      file: files[i].ds.path,
      train_rows: files[i].split.trainRows,
      fit_rows: files[i].split.fit.length,
      ...p.report,
    })),
    pooled: poolEvaluations(parts, threshold),
    pr: labeled ? prCurve(parts.flatMap((p) => p.scores), parts.flatMap((p) => p.labels!)) : [],
  };
}

/** The model's description in reports. */
export function modelSummary(model: AnyModel, artifact: string | null): Record<string, unknown> {
  return {
    detector: detectorKind(model),
    name: model.info.name,
    version: model.info.version,
    content_hash: model.contentHash,
    features: model.features,
    grid: Object.fromEntries(
      model.features.flatMap((f, i) => (model.quantities[i] ? [[f, model.quantities[i]]] : [])),
    ),
    config: model.info.config,
    threshold: model.threshold,
    artifact,
  };
}

/**
 * "Bring your own data": score labeled CSV files with a trained detector of
 * either kind and report per file and pooled, as text, as one JSON document,
 * as a per-row scores CSV and as an SVG picture. Shared by `train` (which
 * fits first) and `evaluate` (which loads an artifact).
 */
import { type AnyModel } from "../detector/any_artifact.ts";
import { prCurve } from "../detector/evaluation.ts";
import { Model } from "../detector/model.ts";
import { hasSensorFault } from "../detector/reasons.ts";
import type { TemporalModel } from "../detector/temporal.ts";
import { type Dataset, type Split, streamKeys } from "./_dataset.ts";
import { type Evaluated, evaluateRows, poolEvaluations, type RowsReport } from "./_evaluation.ts";
import { fixed, formatEvaluation, percent, table } from "./_report.ts";
import { shortNames } from "./_data_flags.ts";
import { renderSvgReport } from "./_svg_report.ts";

/** A file scored by a model. */
export interface ScoredFile {
  ds: Dataset;
  split: Split;
  /** Score of every row. */
  scores: Float64Array;
  /** Grid-rule flag of every row. */
  grid: boolean[];
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
  const grid = Array.from(
    { length: ds.data.rows },
    (_, r) => hasSensorFault(matrix.subarray(r * nf, r * nf + nf), model.quantities),
  );
  return { ds, split, scores, grid, keys };
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

/** Text lines for an evaluation: pooled metrics, events, grid flags and a per-file table. */
export function formatFiles(e: Evaluation, description: string): string[] {
  const p = e.pooled;
  const lines: string[] = [];
  if (p.rows === 0) {
    return [
      "No labels and no --train-rows, so nothing to evaluate: pass --label COLUMN to measure " +
      "precision and recall, or --train-rows N to score the rows after the first N",
    ];
  }
  if (p.model) {
    lines.push(`Evaluation on ${description} (${p.anomalies} anomalies):`);
    lines.push(
      ...formatEvaluation({
        precision: p.model.precision,
        recall: p.model.recall,
        f1: p.model.f1,
        rocAuc: p.model.roc_auc,
        prAuc: p.model.pr_auc,
        far: p.model.far,
        mar: p.model.mar,
        confusion: { tp: p.model.tp, fp: p.model.fp, tn: p.model.tn, fn: p.model.fn },
      }),
    );
  } else {
    lines.push(
      `Scored ${description}: the model flags ${p.model_flags} of ${p.rows} rows ` +
        "(no labels, so no metrics: pass --label COLUMN)",
    );
  }
  if (p.events) {
    lines.push(
      `  events     ${p.events.detected} of ${p.events.events} detected (event recall ` +
        `${fixed(p.events.recall)}), median delay ${fixed(p.events.median_delay, 1)} rows ` +
        "(runs of rows labeled 1 per meter)",
    );
  }
  lines.push(
    `  grid rules ${p.grid_flags} rows with a physically impossible grid value` +
      (p.grid_flags_on_anomalies !== null
        ? ` (${p.grid_flags_on_anomalies} labeled anomalous)`
        : "") +
      "; reported apart, not counted in the model's metrics",
  );
  const evaluated = e.files.filter((f) => f.rows > 0);
  if (evaluated.length > 1 && p.model) {
    const names = shortNames(evaluated.map((f) => f.file));
    const rows = [[
      "file",
      "evaluated",
      "anomalies",
      "precision",
      "recall",
      "F1",
      "FAR",
      "PR AUC",
      "event recall",
      "delay",
    ]];
    for (const [i, f] of evaluated.entries()) {
      rows.push([
        names[i],
        `${f.rows}`,
        `${f.anomalies ?? "n/a"}`,
        fixed(f.model?.precision),
        fixed(f.model?.recall),
        fixed(f.model?.f1),
        f.model ? percent(f.model.far) : "n/a",
        fixed(f.model?.pr_auc),
        fixed(f.events?.recall),
        fixed(f.events?.median_delay, 1),
      ]);
    }
    lines.push("Per file:");
    for (const line of table(rows)) lines.push(`  ${line}`);
  }
  return lines;
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV row per input row: where it is, its split, score, flags and label. */
export function scoresCsv(files: readonly ScoredFile[], threshold: number): string {
  const hasMeter = files.some((f) => f.ds.data.meters !== null);
  const hasTime = files.some((f) => f.ds.data.timeText !== null);
  const header = [
    "file",
    "row",
    "line",
    ...(hasMeter ? ["meter"] : []),
    ...(hasTime ? ["time"] : []),
    "split",
    "score",
    "threshold",
    "model_flag",
    "grid_flag",
    "label",
  ];
  const out = [header.join(",")];
  for (const f of files) {
    const test = new Set(f.split.test);
    const fit = new Set(f.split.fit);
    const { labels, meters, timeText, lines } = f.ds.data;
    for (let r = 0; r < f.ds.data.rows; r++) {
      const split = test.has(r) ? "test" : fit.has(r) ? "train" : "train_excluded";
      out.push([
        csvCell(f.ds.path),
        `${r}`,
        `${lines[r]}`,
        ...(hasMeter ? [csvCell(meters?.[r] ?? "")] : []),
        ...(hasTime ? [csvCell(timeText?.[r] ?? "")] : []),
        split,
        `${f.scores[r]}`,
        `${threshold}`,
        f.scores[r] >= threshold ? "1" : "0",
        f.grid[r] ? "1" : "0",
        labels ? (labels[r] ? "1" : "0") : "",
      ].join(","));
    }
  }
  return `${out.join("\n")}\n`;
}

/** The SVG report of scored files. */
export function svgOf(
  files: readonly ScoredFile[],
  e: Evaluation,
  threshold: number,
  title: string,
): string {
  const m = e.pooled.model;
  return renderSvgReport({
    title,
    threshold,
    panels: files.map((f) => ({
      name: f.ds.path,
      scores: f.scores,
      labels: f.ds.data.labels,
      trainRows: f.split.test.length < f.ds.data.rows ? f.split.trainRows : 0,
    })),
    pr: e.pr,
    operating: m ? { precision: m.precision, recall: m.recall } : null,
  });
}

/**
 * Report a model on its files the way the user asked: text, or one JSON
 * document (`--json`), plus the per-row scores CSV (`--scores`) and the SVG
 * picture (`--report`).
 */
import type { CliIo } from "./_common.ts";
import type { DataFlags } from "./_data_flags.ts";
import type { Dataset, Split } from "./_dataset.ts";
import {
  detectorKind,
  evaluateFiles,
  type Evaluation,
  modelSummary,
  type ScoredFile,
  scoreFile,
} from "./_byod.ts";
import { formatFiles } from "./_byod_text.ts";
import { toJson } from "./_evaluation.ts";
import { scoresCsv } from "./_scores_csv.ts";
import { renderSvgReport } from "./_svg_report.ts";
import type { AnyModel } from "../../backend/detector/mod.ts";

/** A model with the files it is reported on, and how they are described. */
export interface TrainedCsv {
  model: AnyModel;
  datasets: Dataset[];
  splits: Split[];
  ms: number;
  dataText: string;
  evaluationText: string;
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

/** Report a model on its files: text or JSON, plus the scores CSV and SVG when asked. */
export async function reportCsv(
  trained: TrainedCsv,
  options: {
    data: DataFlags;
    rule: string;
    artifact: string | null;
    tool: "train" | "evaluate";
    /** Use this threshold instead of the model's (chosen at evaluate time). */
    threshold?: number;
  },
  io: CliIo,
): Promise<void> {
  const { model, datasets, splits } = trained;
  const scored = datasets.map((ds, i) => scoreFile(model, ds, splits[i]));
  const threshold = options.threshold ?? model.threshold;
  const evaluation = evaluateFiles(scored, threshold);
  const d = options.data;
  if (d.scores) await Deno.writeTextFile(d.scores, scoresCsv(scored, threshold));
  if (d.report) {
    const title = `${
      detectorKind(model)
    } detector ${model.info.version}: ${trained.evaluationText}`;
    await Deno.writeTextFile(d.report, svgOf(scored, evaluation, threshold, title));
  }
  if (d.json) {
    io.out(toJson({
      tool: options.tool,
      model: { ...modelSummary(model, options.artifact), threshold },
      protocol: {
        train_rows: d.trainRows,
        label: d.label ?? null,
        meter: d.meter ?? null,
        time: d.time ?? null,
        threshold: options.rule,
        evaluated: trained.evaluationText,
      },
      pooled: evaluation.pooled,
      files: evaluation.files,
      outputs: { scores: d.scores ?? null, report: d.report ?? null },
    }));
    return;
  }
  for (const line of formatFiles(evaluation, trained.evaluationText)) io.out(line);
  if (d.scores) io.out(`Wrote per-row scores to ${d.scores}`);
  if (d.report) io.out(`Wrote the SVG report to ${d.report}`);
}

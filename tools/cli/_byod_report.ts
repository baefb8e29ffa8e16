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
import { type AnyModel, MIN_METER_ROWS, TemporalModel } from "../../backend/detector/mod.ts";
import { percent } from "./_report.ts";

/** A warning the tools print to stderr (and put in `--json` output), with a stable code. */
export interface Warning {
  code: "target_far_missed" | "untrained_meters";
  message: string;
}

/** The false-alarm rate `--target-far` reached on the held-out rows, next to its target. */
export interface FarCheck {
  target: number;
  /** Share of held-out normal rows flagged (of all held-out rows without labels); NaN without any. */
  held_out: number;
  /** Held-out rows it was measured on. */
  rows: number;
}

/** Check a target FAR against the evaluation: the reached FAR, and a warning when it is off by more than half. */
export function farCheck(
  target: number,
  e: Evaluation,
): { check: FarCheck; warning: Warning | null } {
  const p = e.pooled;
  const rows = p.model ? p.model.fp + p.model.tn : p.rows;
  const heldOut = p.model ? p.model.far : p.rows === 0 ? NaN : p.model_flags / p.rows;
  const check = { target, held_out: heldOut, rows };
  const off = Number.isFinite(heldOut) && Math.abs(heldOut - target) > target / 2;
  return {
    check,
    warning: off
      ? {
        code: "target_far_missed",
        message: `--target-far ${target} was met on the training rows, but on the ${rows} ` +
          `held-out ${p.model ? "normal " : ""}rows the false-alarm rate is ${
            percent(heldOut)
          }: the training rows do not represent the rest (choose the threshold on ` +
          "representative rows, or read the held-out rate as the expected one)",
      }
      : null,
  };
}

/** Meters of the evaluated rows a temporal model has no baseline for, and how often they alarm. */
export function untrainedMeters(
  model: AnyModel,
  files: readonly ScoredFile[],
  threshold: number,
): Warning | null {
  if (!(model instanceof TemporalModel)) return null;
  const seen = new Map<string, { rows: number; flags: number }>();
  for (const f of files) {
    const tested = new Set(f.split.test);
    f.keys.forEach((key, r) => {
      if (model.baselineOf(key) !== -1) return;
      const entry = seen.get(key) ?? { rows: 0, flags: 0 };
      if (tested.has(r)) {
        entry.rows++;
        if (f.scores[r] >= threshold) entry.flags++;
      }
      seen.set(key, entry);
    });
  }
  // One stream and no meter baselines at all is the single-stream case, not a gap.
  if (seen.size === 0 || (model.parts.meters.ids.length === 0 && seen.size === 1)) return null;
  const names = [...seen.keys()].sort();
  let rows = 0;
  let flags = 0;
  for (const v of seen.values()) {
    rows += v.rows;
    flags += v.flags;
  }
  const shown = names.slice(0, 10).map((n) => `"${n}"`).join(", ");
  return {
    code: "untrained_meters",
    message: `${names.length} meter${names.length === 1 ? "" : "s"} had fewer than ` +
      `${MIN_METER_ROWS} training rows and ${
        names.length === 1 ? "is" : "are"
      } scored against the pooled baseline of all training rows (the fallback): ${shown}` +
      `${names.length > 10 ? ` and ${names.length - 10} more` : ""}; ${
        rows === 0
          ? "none of their rows is evaluated"
          : `they flag ${percent(flags / rows)} of their ${rows} evaluated rows`
      } (give each meter at least ${MIN_METER_ROWS} training rows, e.g. a larger --train-rows, ` +
      "or --per-file when each file is one run)",
  };
}

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

/** What {@link reportCsv} and {@link reportScored} print and write. */
export interface ReportOptions {
  data: DataFlags;
  rule: string;
  artifact: string | null;
  tool: "train" | "evaluate";
  /** Use this threshold instead of the model's (chosen at evaluate time). */
  threshold?: number;
}

/** Report a model on its files: text or JSON, plus the scores CSV and SVG when asked. */
export async function reportCsv(
  trained: TrainedCsv,
  options: ReportOptions,
  io: CliIo,
): Promise<void> {
  const { model, datasets, splits } = trained;
  const scored = datasets.map((ds, i) => scoreFile(model, ds, splits[i]));
  const threshold = options.threshold ?? model.threshold;
  const untrained = untrainedMeters(model, scored, threshold);
  await reportScored(
    {
      scored,
      threshold,
      model: { ...modelSummary(model, options.artifact), threshold },
      title: `${detectorKind(model)} detector ${model.info.version}: ${trained.evaluationText}`,
      evaluationText: trained.evaluationText,
      warnings: untrained ? [untrained] : [],
    },
    options,
    io,
  );
}

/** Files already scored, with the model section of the report and any warnings so far. */
export interface ScoredReport {
  scored: ScoredFile[];
  threshold: number;
  /** The `model` section of the JSON report. */
  model: Record<string, unknown>;
  /** SVG title. */
  title: string;
  evaluationText: string;
  warnings: Warning[];
  /** Extra protocol facts (e.g. per-file training). */
  protocol?: Record<string, unknown>;
}

/** Report scored files: text or JSON, the target-FAR check, warnings, scores CSV and SVG. */
export async function reportScored(
  report: ScoredReport,
  options: ReportOptions,
  io: CliIo,
): Promise<void> {
  const { scored, threshold } = report;
  const evaluation = evaluateFiles(scored, threshold);
  const d = options.data;
  const warnings = [...report.warnings];
  const far = d.targetFar === null ? null : farCheck(d.targetFar, evaluation);
  if (far?.warning) warnings.push(far.warning);
  if (d.scores) await Deno.writeTextFile(d.scores, scoresCsv(scored, threshold));
  if (d.report) {
    await Deno.writeTextFile(d.report, svgOf(scored, evaluation, threshold, report.title));
  }
  for (const w of warnings) io.err(`${options.tool}: warning (${w.code}): ${w.message}`);
  if (d.json) {
    io.out(toJson({
      tool: options.tool,
      model: report.model,
      protocol: {
        train_rows: d.trainRows,
        label: d.label ?? null,
        meter: d.meter ?? null,
        time: d.time ?? null,
        threshold: options.rule,
        evaluated: report.evaluationText,
        ...report.protocol,
      },
      target_far: far?.check ?? null,
      pooled: evaluation.pooled,
      files: evaluation.files,
      warnings,
      outputs: { scores: d.scores ?? null, report: d.report ?? null },
    }));
    return;
  }
  if (far) {
    io.out(
      `  target FAR ${percent(far.check.target)}, reached ${
        percent(far.check.held_out)
      } on the ${far.check.rows} held-out ${evaluation.pooled.model ? "normal " : ""}rows`,
    );
  }
  for (const line of formatFiles(evaluation, report.evaluationText)) io.out(line);
  if (d.scores) io.out(`Wrote per-row scores to ${d.scores}`);
  if (d.report) io.out(`Wrote the SVG report to ${d.report}`);
}

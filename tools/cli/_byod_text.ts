/** The command-line tools' text report of an evaluation of files. */
import { type AnyModel, RANGE_GUARD_SD } from "../../backend/detector/mod.ts";
import type { Evaluation } from "./_byod.ts";
import { shortNames } from "./_data_flags.ts";
import { fixed, formatEvaluation, percent, table } from "./_report.ts";

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
  if (p.range_flags > 0) {
    lines.push(
      `  range guard ${p.range_flags} rows more than ${RANGE_GUARD_SD} training sd from the training mean` +
        (p.range_flags_on_anomalies !== null
          ? ` (${p.range_flags_on_anomalies} labeled anomalous)`
          : "") +
        "; the service flags them whatever the score; reported apart",
    );
  }
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

/** The threshold line of the text report. */
export function thresholdText(model: AnyModel, rule: string): string {
  const share = (model.info.training as { flaggedShare?: number }).flaggedShare;
  return `  threshold: ${Number(model.threshold.toPrecision(4))} (${rule}; score >= threshold is ` +
    `an anomaly${share !== undefined ? `; flags ${percent(share)} of the training rows` : ""})`;
}

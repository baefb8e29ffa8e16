/** Human-readable tables for the command-line tools. */
import type { ConfusionMatrix } from "../../backend/detector/mod.ts";

/** The figures {@link formatEvaluation} prints. */
export interface Metrics {
  precision: number;
  recall: number;
  f1: number;
  /** NaN or null when only one class is present. */
  rocAuc: number | null;
  /** Optional: printed when present. */
  prAuc?: number | null;
  far?: number | null;
  mar?: number | null;
  confusion: ConfusionMatrix;
}

/** A metric with three decimals, or "n/a". */
export function fixed(value: number | null | undefined, digits = 3): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

/** A share as a percentage with one decimal. */
export function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

/** Right-align every column of a table of strings. */
export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")
      .trimEnd()
  );
}

/** Precision, recall, F1, ROC AUC and the confusion matrix, indented by two spaces. */
export function formatEvaluation(m: Metrics): string[] {
  const { tp, fp, tn, fn } = m.confusion;
  return [
    `  precision  ${fixed(m.precision)}  (share of flagged readings that are anomalies)`,
    `  recall     ${fixed(m.recall)}  (share of anomalies flagged)`,
    `  F1         ${fixed(m.f1)}`,
    `  ROC AUC    ${fixed(m.rocAuc)}  (ranking quality, independent of the threshold)`,
    ...(m.prAuc !== undefined
      ? [`  PR AUC     ${fixed(m.prAuc)}  (average precision over all thresholds)`]
      : []),
    ...(m.far !== undefined
      ? [
        `  FAR        ${fixed(m.far)}  (false-alarm rate: share of normal readings flagged)`,
        `  MAR        ${fixed(m.mar)}  (missed-alarm rate: share of anomalies not flagged)`,
      ]
      : []),
    "  confusion matrix:",
    ...table([
      ["", "predicted normal", "predicted anomaly"],
      ["actual normal", `${tn}`, `${fp}`],
      ["actual anomaly", `${fn}`, `${tp}`],
    ]).map((line) => `    ${line}`),
  ];
}

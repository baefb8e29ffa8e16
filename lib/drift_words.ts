/**
 * What a drift verdict was compared with, in one sentence: shared by the UI's
 * models panel and the drift report, so both say the same.
 */
import type { DriftSummary } from "./contract.ts";

/** The training rows the window was compared with, in words. */
export function referenceWords(
  drift: Pick<DriftSummary, "reference_rows" | "reference_match">,
): string {
  const rows = drift.reference_rows;
  if (rows === null) return "The champion's artifact carries no training sample (PSI only).";
  if (drift.reference_match === "all_rows") return `Compared with all ${rows} training rows.`;
  return rows === 0
    ? "The champion's training data has no readings from the hours of the window's readings: " +
      "no verdict (train on data that covers them)."
    : `Compared with the ${rows} training rows from the same hours of the day.`;
}

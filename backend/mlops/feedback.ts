/**
 * Label feedback: compare a model's predictions with labels an operator
 * gave (confirmed or dismissed alarms) and count the outcomes. Pure; the
 * route counts them in `feedback_total{model_version,outcome}`.
 */

/** A confusion-matrix cell: true/false positive/negative. */
export type Outcome = "tp" | "fp" | "fn" | "tn";

/** Every outcome, in the order reports list them. */
export const OUTCOMES: readonly Outcome[] = ["tp", "fp", "fn", "tn"];

/** Outcome counts. */
export type Tally = Record<Outcome, number>;

/** The outcome of one prediction against its label. */
export function outcome(predicted: boolean, actual: boolean): Outcome {
  if (predicted) return actual ? "tp" : "fp";
  return actual ? "fn" : "tn";
}

/** Count outcomes of `predicted` against `actual` (same length). */
export function tally(predicted: readonly boolean[], actual: readonly boolean[]): Tally {
  if (predicted.length !== actual.length) {
    throw new RangeError(
      `Predictions and labels must have the same length, got ${predicted.length} and ${actual.length}`,
    );
  }
  const t: Tally = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = 0; i < predicted.length; i++) t[outcome(predicted[i], actual[i])]++;
  return t;
}

/** Precision tp / (tp + fp), or null without positive predictions. */
export function precision(t: Tally): number | null {
  return t.tp + t.fp === 0 ? null : t.tp / (t.tp + t.fp);
}

/** Recall tp / (tp + fn), or null without positive labels. */
export function recall(t: Tally): number | null {
  return t.tp + t.fn === 0 ? null : t.tp / (t.tp + t.fn);
}

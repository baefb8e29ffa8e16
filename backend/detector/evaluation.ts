/**
 * Scoring a detector against labeled data: confusion matrix, precision,
 * recall, F1 and ROC AUC, plus the quantile used for thresholds. Pure
 * TypeScript, shared by training, the command-line tools and the benchmark.
 */
import { assertInRange } from "../../lib/ranges.ts";

/** Counts of true/false positives/negatives at a threshold. */
export interface ConfusionMatrix {
  /** Anomalies flagged. */
  tp: number;
  /** Normal readings flagged. */
  fp: number;
  /** Normal readings passed. */
  tn: number;
  /** Anomalies missed. */
  fn: number;
}

/** How well scores and a threshold separate labeled anomalies from normal readings. */
export interface Evaluation {
  /** Number of labeled samples. */
  samples: number;
  /** Samples labeled anomalous. */
  positives: number;
  /** The threshold used (score >= threshold means flagged). */
  threshold: number;
  /** tp / (tp + fp); 0 when nothing is flagged. */
  precision: number;
  /** tp / (tp + fn); 0 when there are no anomalies. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
  /** Area under the ROC curve (threshold-free); NaN unless both classes occur. */
  rocAuc: number;
  /** Area under the precision-recall curve as average precision; NaN without anomalies. */
  prAuc: number;
  /** False-alarm rate fp / (fp + tn): share of normal readings flagged; NaN without any. */
  far: number;
  /** Missed-alarm rate fn / (fn + tp): share of anomalies not flagged; NaN without any. */
  mar: number;
  confusion: ConfusionMatrix;
}

/** Options for {@link evaluateScores}. */
export interface EvaluateScoresOptions {
  /** Scores at or above this are flagged. */
  threshold: number;
  /** Samples flagged regardless of score (e.g. sensor faults). */
  forced?: ArrayLike<boolean> | undefined;
}

/**
 * Scores and labels pair up, and every score is a number: NaN has no rank (it
 * compares unequal even to itself, so ties could not be grouped).
 */
function checkScored(scores: ArrayLike<number>, labels: ArrayLike<boolean>): void {
  if (scores.length !== labels.length) {
    throw new RangeError(
      `Scores and labels must have the same length, got ${scores.length} and ${labels.length}`,
    );
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) {
      throw new RangeError(`Score ${i} is NaN: the model gave that row no score`);
    }
  }
}

/**
 * ROC AUC as the Mann-Whitney U statistic: the probability that a random
 * anomaly scores above a random normal reading, ties counting half.
 * NaN when either class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean>): number {
  checkScored(scores, labels);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    // Tied scores share the average of their ranks (1-based).
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]]) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Confusion matrix, precision, recall, F1 and ROC AUC of `scores` against `labels`. */
export function evaluateScores(
  scores: ArrayLike<number>,
  labels: ArrayLike<boolean>,
  options: EvaluateScoresOptions,
): Evaluation {
  const auc = rocAuc(scores, labels);
  const ap = averagePrecision(scores, labels);
  const { threshold, forced } = options;
  const confusion: ConfusionMatrix = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i] >= threshold || (forced !== undefined && forced[i]);
    if (labels[i]) flagged ? confusion.tp++ : confusion.fn++;
    else flagged ? confusion.fp++ : confusion.tn++;
  }
  const { tp, fp, tn, fn } = confusion;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    samples: scores.length,
    positives: tp + fn,
    threshold,
    precision,
    recall,
    f1,
    rocAuc: auc,
    prAuc: ap,
    far: fp + tn === 0 ? NaN : fp / (fp + tn),
    mar: fn + tp === 0 ? NaN : fn / (fn + tp),
    confusion,
  };
}

/** One point of a precision-recall curve: flagging scores at or above `threshold`. */
export interface PrPoint {
  threshold: number;
  precision: number;
  recall: number;
}

/** Precision-recall points at every distinct score, highest threshold first; [] without anomalies. */
export function prCurve(scores: ArrayLike<number>, labels: ArrayLike<boolean>): PrPoint[] {
  checkScored(scores, labels);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i]) positives++;
  const points: PrPoint[] = [];
  if (positives === 0) return points;
  let tp = 0;
  for (let i = 0; i < n;) {
    // Tied scores are flagged together.
    let j = i;
    while (j < n && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]]) tp++;
      j++;
    }
    points.push({ threshold: scores[order[i]], precision: tp / j, recall: tp / positives });
    i = j;
  }
  return points;
}

/**
 * Average precision, the area under the precision-recall curve as
 * scikit-learn computes it: the sum of precision times the recall gained at
 * each threshold. NaN without anomalies.
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<boolean>): number {
  const points = prCurve(scores, labels);
  if (points.length === 0) return NaN;
  let ap = 0;
  let recall = 0;
  for (const p of points) {
    ap += (p.recall - recall) * p.precision;
    recall = p.recall;
  }
  return ap;
}

/**
 * The q-quantile (0 <= q <= 1) of ascending `sorted` values, interpolating
 * linearly between order statistics (numpy's default, Hyndman-Fan type 7).
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError("Quantile of an empty list is undefined");
  assertInRange({ name: "Quantile", min: 0, max: 1 }, q);
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
}

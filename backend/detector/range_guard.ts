/**
 * The point model's range guard: a reading with a value outside the training
 * data's range and further than {@link RANGE_GUARD_SD} standard deviations
 * from that feature's training mean is an anomaly whatever its score.
 *
 * An isolation forest cannot extrapolate: a value beyond everything it was
 * trained on ends in the same leaves as the training data's extreme, so it
 * scores no higher however far out it is. With the default model (seed 42),
 * 253 V, 320 V and 999 V at 10 A and 50 Hz all scored 0.554, under the
 * threshold of 0.568 (which 5 % of normal training readings reach), and 28 A
 * at 230 V and 50 Hz scored 0.563: none was flagged. On ten simulated days
 * with 5 % point anomalies (50,000 readings, seeds 100-109), a guard at 6 sd
 * added 209 flags, every one a labelled anomaly (recall 0.898 to 1.000), and
 * no false alarm; at 4 sd it added 2 false alarms, at 5 sd none, at 8 sd 191
 * flags (recall 0.993). Six keeps a margin on both sides.
 *
 * Both conditions: a value the training data held (a rare state of a two-valued
 * column, the far tail of a skewed one) is the forest's to judge, however many
 * sd out; artifacts written before the range was stored are judged by the sd
 * alone. A feature that was constant in training has no spread to judge by and
 * is left to the forest. Pure TypeScript.
 */
import type { FeatureStats } from "./reasons.ts";

/** How many training standard deviations from the training mean a value may lie. */
export const RANGE_GUARD_SD = 6;

/**
 * True when a value of the row at `offset` of `values` (one value per
 * feature of `stats`) lies outside the training range (when `stats` has it)
 * and more than {@link RANGE_GUARD_SD} training sd from its training mean.
 */
export function beyondTrainingRange(
  values: ArrayLike<number>,
  stats: FeatureStats,
  offset = 0,
): boolean {
  const { mean, sd, min, max } = stats;
  for (let f = 0; f < mean.length; f++) {
    const v = values[offset + f];
    const spread = sd[f];
    if (
      spread > 0 && Math.abs(v - mean[f]) > RANGE_GUARD_SD * spread &&
      (min === undefined || max === undefined || v < min[f] || v > max[f])
    ) {
      return true;
    }
  }
  return false;
}

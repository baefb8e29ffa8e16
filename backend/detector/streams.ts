/**
 * Per-meter streams inside a batch: for every row, the row before it from the
 * same meter. Rows without a meter key form one stream. Temporal scoring
 * walks these links backwards, so readings of different meters may be
 * interleaved in any way while each meter's own readings stay in order.
 * Pure TypeScript.
 */

/** The previous row of the same meter for each row (-1 for a meter's first row). */
export function previousInStream(
  meters: ArrayLike<string | undefined> | null,
  rows: number,
): Int32Array {
  const prev = new Int32Array(rows);
  if (meters === null) {
    for (let r = 0; r < rows; r++) prev[r] = r - 1;
    return prev;
  }
  if (meters.length !== rows) {
    throw new RangeError(`Meter keys must number the rows (${rows}), got ${meters.length}`);
  }
  const last = new Map<string, number>();
  for (let r = 0; r < rows; r++) {
    const key = meters[r] ?? "";
    prev[r] = last.get(key) ?? -1;
    last.set(key, r);
  }
  return prev;
}

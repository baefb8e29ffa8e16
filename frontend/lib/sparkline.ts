/**
 * Geometry of the fleet view's sparklines: an SVG path through a series,
 * scaled to a box, and the x position of a stream index, so alarm and event
 * intervals line up with the line they belong to.
 */

/** A drawing box and the stream indices its left and right edges stand for. */
export interface SparkBox {
  width: number;
  height: number;
  /** Stream index at the left edge. */
  first: number;
  /** Stream index at the right edge. */
  last: number;
}

/** X coordinate of stream index `i` in `box` (one decimal). */
export function xOf(i: number, box: SparkBox): number {
  const span = Math.max(1, box.last - box.first);
  return round1(((i - box.first) / span) * box.width);
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/**
 * The SVG path of `values` (at stream indices `first`, `first + 1`, ...),
 * scaled so its own range fills the box height with a pixel of margin; a flat
 * series is drawn in the middle. Empty for no values.
 */
export function linePath(values: readonly number[], box: SparkBox): string {
  if (values.length === 0) return "";
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  const inner = box.height - 2;
  const y = (v: number) =>
    round1(range === 0 ? box.height / 2 : 1 + inner * (1 - (v - lo) / range));
  return values.map((v, k) => `${k === 0 ? "M" : "L"}${xOf(box.first + k, box)} ${y(v)}`).join(
    "",
  );
}

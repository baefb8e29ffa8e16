/**
 * A plain, recursive isolation-forest scorer used ONLY by tests, to prove the
 * flat-array scorer in `isolation_forest.ts` computes the same scores. It
 * rebuilds node objects from the arrays using the explicit `left`/`right`
 * indices (not the pre-order shortcut) and follows the paper's PathLength
 * algorithm literally, with its own c(n).
 */
import type { ForestArrays } from "./isolation_forest.ts";

/** A tree node as in the paper: an internal split or an external (leaf) node. */
export type RefNode =
  | { kind: "leaf"; size: number }
  | { kind: "split"; feature: number; value: number; left: RefNode; right: RefNode };

/** c(n) written out from Liu et al. 2008: 2H(n-1) - 2(n-1)/n, H(i) = ln(i) + 0.5772156649. */
export function referenceC(n: number): number {
  if (n > 2) return 2 * (Math.log(n - 1) + 0.5772156649015329) - 2 * (n - 1) / n;
  if (n === 2) return 1;
  return 0;
}

/** Rebuild the tree rooted at `index` as nested objects. */
export function buildTree(arrays: ForestArrays, index: number): RefNode {
  if (arrays.feature[index] === -1) return { kind: "leaf", size: arrays.size[index] };
  return {
    kind: "split",
    feature: arrays.feature[index],
    value: arrays.split[index],
    left: buildTree(arrays, arrays.left[index]),
    right: buildTree(arrays, arrays.right[index]),
  };
}

/** PathLength(x, T, e) from the paper. */
export function referencePathLength(x: readonly number[], node: RefNode, e = 0): number {
  if (node.kind === "leaf") return e + referenceC(node.size);
  return x[node.feature] < node.value
    ? referencePathLength(x, node.left, e + 1)
    : referencePathLength(x, node.right, e + 1);
}

/** s(x, n) = 2^(-E(h(x)) / c(n)). */
export function referenceScore(x: readonly number[], arrays: ForestArrays): number {
  let total = 0;
  for (const root of arrays.roots) total += referencePathLength(x, buildTree(arrays, root));
  const mean = total / arrays.roots.length;
  return Math.pow(2, -mean / referenceC(arrays.sampleSize));
}

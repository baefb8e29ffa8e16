/**
 * A seeded isolation forest (Liu, Ting and Zhou, "Isolation Forest", ICDM 2008).
 *
 * Each tree is grown on `sampleSize` rows drawn without replacement with the
 * seeded PRNG, splitting on a random feature at a uniformly random value
 * between that feature's minimum and maximum, until a node holds one row or
 * the height limit ceil(log2(sampleSize)) is reached. A point's path length
 * is the depth of the leaf it lands in plus c(leaf size), the expected depth
 * still needed to isolate it among the rows that leaf held. The score is
 * s = 2^(-E[h] / c(sampleSize)), in (0, 1), higher meaning more anomalous.
 *
 * The whole forest lives in a few flat typed arrays (nodes in pre-order, one
 * tree after another), so scoring is a tight loop with no allocation.
 * Pure TypeScript: runs in Deno, browsers and k6.
 */
import { createRng, type Rng } from "../../lib/simulator/rng.ts";
import { assertInRange } from "../../lib/ranges.ts";

/** The Euler-Mascheroni constant, used in the harmonic-number approximation. */
const EULER_GAMMA = 0.5772156649015329;

/** Most features a forest can split on (feature indices are stored as Int8). */
export const MAX_FEATURES = 127;

/**
 * c(n): the average path length of an unsuccessful binary-search-tree search
 * among n points, 2H(n-1) - 2(n-1)/n with H(i) ~ ln(i) + γ (Liu et al. 2008, eq. 1).
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** The height limit for trees grown on `sampleSize` rows: ceil(log2(sampleSize)). */
export function heightLimit(sampleSize: number): number {
  return Math.max(0, Math.ceil(Math.log2(sampleSize)));
}

/**
 * The forest as flat arrays. Node `i` is a leaf when `feature[i] === -1`;
 * otherwise rows with `x[feature[i]] < split[i]` go to `left[i]`, the others to `right[i]`.
 */
export interface ForestArrays {
  /** Number of columns in a row. */
  nFeatures: number;
  /** Rows each tree was grown on (the configured sample size, capped at the training size). */
  sampleSize: number;
  /** Index of each tree's root node; trees are stored one after another. */
  roots: Int32Array;
  /** Split feature per node, -1 for a leaf. */
  feature: Int8Array;
  /** Split value per node, 0 for a leaf. */
  split: Float64Array;
  /** Left child per node (always the next node in pre-order), -1 for a leaf. */
  left: Int32Array;
  /** Right child per node, -1 for a leaf. */
  right: Int32Array;
  /** Training rows that reached the node. */
  size: Int32Array;
}

/** {@link ForestArrays} as plain number lists, the way they are built or parsed. */
export type ForestLists = {
  [K in keyof ForestArrays]: ForestArrays[K] extends number ? number : ArrayLike<number>;
};

/** Pack plain lists into the typed arrays the scorer reads (growing and artifact parsing share this). */
export function packForest(lists: ForestLists): ForestArrays {
  return {
    nFeatures: lists.nFeatures,
    sampleSize: lists.sampleSize,
    roots: Int32Array.from(lists.roots),
    feature: Int8Array.from(lists.feature),
    split: Float64Array.from(lists.split),
    left: Int32Array.from(lists.left),
    right: Int32Array.from(lists.right),
    size: Int32Array.from(lists.size),
  };
}

/** Options for {@link growForest}. */
export interface GrowForestOptions {
  /** Columns per row of the row-major training matrix. */
  nFeatures: number;
  /** Number of trees. */
  nEstimators: number;
  /** Rows drawn without replacement for each tree (capped at the number of rows). */
  sampleSize: number;
  /** Seed of the PRNG that draws samples, features and split values. */
  seed: number;
}

/** Check a row-major matrix and return its row count; throws RangeError when it is not whole rows. */
function rowCount(data: Float64Array, nFeatures: number): number {
  assertInRange({ name: "Feature count", min: 1, max: MAX_FEATURES, integer: true }, nFeatures);
  if (data.length % nFeatures !== 0) {
    throw new RangeError(
      `Matrix length ${data.length} is not a multiple of the feature count ${nFeatures}`,
    );
  }
  return data.length / nFeatures;
}

/**
 * Grow a forest on a row-major training matrix (`nFeatures` values per row).
 * The same data and options always give the same arrays.
 */
export function growForest(data: Float64Array, options: GrowForestOptions): ForestArrays {
  const { nFeatures, nEstimators, seed } = options;
  const n = rowCount(data, nFeatures);
  if (n < 2) throw new RangeError(`Training needs at least 2 rows, got ${n}`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(
        `Training value at row ${Math.floor(i / nFeatures)}, column ${i % nFeatures} ` +
          `must be a finite number, got ${data[i]}`,
      );
    }
  }
  assertInRange({ name: "Tree count", min: 1, integer: true }, nEstimators);
  assertInRange({ name: "Sample size", min: 2, integer: true }, options.sampleSize);
  const sampleSize = Math.min(options.sampleSize, n);
  const limit = heightLimit(sampleSize);
  const rng: Rng = createRng(seed);

  const roots: number[] = [];
  const feature: number[] = [];
  const split: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const size: number[] = [];

  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  const rows = new Int32Array(sampleSize);
  const mins = new Float64Array(nFeatures);
  const maxs = new Float64Array(nFeatures);
  const candidates = new Int32Array(nFeatures);

  /** Grow the subtree for rows[lo, hi) at `depth`; returns its node index. */
  const grow = (lo: number, hi: number, depth: number): number => {
    const node = feature.length;
    feature.push(-1);
    split.push(0);
    left.push(-1);
    right.push(-1);
    size.push(hi - lo);
    if (depth >= limit || hi - lo <= 1) return node;

    mins.fill(Infinity);
    maxs.fill(-Infinity);
    for (let r = lo; r < hi; r++) {
      const base = rows[r] * nFeatures;
      for (let f = 0; f < nFeatures; f++) {
        const v = data[base + f];
        if (v < mins[f]) mins[f] = v;
        if (v > maxs[f]) maxs[f] = v;
      }
    }
    // Choosing among non-constant features only is what sklearn's ExtraTree
    // does too: a split on a constant feature would isolate nothing.
    let count = 0;
    for (let f = 0; f < nFeatures; f++) if (maxs[f] > mins[f]) candidates[count++] = f;
    if (count === 0) return node;
    const f = candidates[Math.floor(rng() * count)];
    const value = mins[f] + rng() * (maxs[f] - mins[f]);

    // Partition rows[lo, hi) in place: x[f] < value first.
    let mid = lo;
    for (let r = lo; r < hi; r++) {
      if (data[rows[r] * nFeatures + f] < value) {
        const t = rows[r];
        rows[r] = rows[mid];
        rows[mid] = t;
        mid++;
      }
    }
    feature[node] = f;
    split[node] = value;
    left[node] = grow(lo, mid, depth + 1);
    right[node] = grow(mid, hi, depth + 1);
    return node;
  };

  for (let t = 0; t < nEstimators; t++) {
    // Partial Fisher-Yates: the first sampleSize entries become a uniform
    // sample without replacement. The pool stays a permutation, so it need
    // not be reset between trees.
    for (let i = 0; i < sampleSize; i++) {
      const j = i + Math.floor(rng() * (n - i));
      const tmp = pool[i];
      pool[i] = pool[j];
      pool[j] = tmp;
      rows[i] = pool[i];
    }
    roots.push(grow(0, sampleSize, 0));
  }

  return packForest({ nFeatures, sampleSize, roots, feature, split, left, right, size });
}

/**
 * Trees up to this height are compiled into complete binary trees for
 * scoring (at most 2^10 leaves each); deeper ones are walked node by node.
 */
const MAX_COMPILED_HEIGHT = 10;

/**
 * The forest compiled for branch-free scoring: every tree as a complete
 * binary tree of the forest's height with implicit children (2i+1, 2i+2),
 * all trees in one set of flat arrays (tree `t`'s inner slots at
 * `t * inner`, its bottom slots at `t * (inner + 1)`). A leaf above the bottom
 * is replicated into every bottom slot beneath it, so every walk takes
 * exactly `height` steps and the loop exit is perfectly predictable.
 *
 * A batch walks tree by tree (`trees`: views of one tree each, its path
 * lengths per bottom slot), so each tree is read from memory once per batch.
 * A walk of a few rows reads every tree for every row: it reads a compact copy
 * that stays in cache between requests (a one-reading request touches about
 * ten cache lines per tree, and between requests the rest of the service
 * evicts what is not compact): `split32` (each split rounded to float32, half
 * the bytes), settling the rare tie (the row's value and the split round to
 * the same float32) with the exact `split`, and leaves as 16-bit indices into
 * a table of the forest's distinct path lengths. Rounding is monotonic, so `fround(x) < fround(s)`
 * implies `x < s` and `fround(x) > fround(s)` implies `x >= s`: every path
 * ends where the exact walk ends, and every path gives the same sums.
 */
interface CompiledForest {
  inner: number;
  trees: { feature: Int8Array; split: Float64Array; leaf: Float64Array }[];
  feature: Int8Array;
  split: Float64Array;
  split32: Float32Array;
  /** Per bottom slot: an index into `paths`. */
  leafIndex: Uint16Array;
  /** Distinct path lengths (leaf depth + c(leaf size)). */
  paths: Float64Array;
}

/** A grown forest that scores rows. Construct it from {@link growForest} or a parsed artifact. */
export class IsolationForest {
  /** The forest's arrays (shared, do not modify). */
  readonly arrays: Readonly<ForestArrays>;
  /** Number of trees. */
  readonly nTrees: number;
  /** Number of columns a row must have. */
  readonly nFeatures: number;
  /** Per node: its depth plus c(size); used at leaves, the path length of any row ending there. */
  readonly #leafPath: Float64Array;
  /** -1 / (trees * c(sampleSize)): turns a sum of path lengths into a log2 score. */
  readonly #scale: number;
  readonly #height: number;
  /** The compiled forest, or null when the forest is too deep to compile. */
  readonly #compiled: CompiledForest | null;
  readonly #one: Float64Array;
  /** Working memory of {@link #sumCompiledFewRows}: rows rounded to float32. */
  #rows32 = new Float32Array(0);

  /**
   * Wrap forest arrays. They must be structurally valid (pre-order, children
   * after their parent); `growForest` and `parseArtifact` guarantee that.
   */
  constructor(arrays: ForestArrays) {
    this.arrays = arrays;
    this.nTrees = arrays.roots.length;
    this.nFeatures = arrays.nFeatures;
    const nodes = arrays.feature.length;
    const depth = new Int32Array(nodes);
    const leafPath = new Float64Array(nodes);
    let height = 0;
    // Children always come after their parent, so one forward pass sets every depth.
    for (let i = 0; i < nodes; i++) {
      if (arrays.feature[i] < 0) {
        leafPath[i] = depth[i] + averagePathLength(arrays.size[i]);
        if (depth[i] > height) height = depth[i];
      } else {
        depth[arrays.left[i]] = depth[i] + 1;
        depth[arrays.right[i]] = depth[i] + 1;
      }
    }
    this.#leafPath = leafPath;
    this.#height = height;
    this.#scale = -1 / (this.nTrees * averagePathLength(arrays.sampleSize));
    this.#compiled = height <= MAX_COMPILED_HEIGHT ? compile(arrays, leafPath, height) : null;
    this.#one = new Float64Array(1);
  }

  /** Score one row (`nFeatures` finite values). */
  score(row: ArrayLike<number>): number {
    const matrix = row instanceof Float64Array ? row : Float64Array.from(row);
    return this.scoreMatrix(matrix, this.#one)[0];
  }

  /**
   * Score every row of a row-major matrix (`nFeatures` finite values per
   * row) into `out` (allocated when absent or too short) and return it.
   */
  scoreMatrix(matrix: Float64Array, out?: Float64Array): Float64Array {
    const n = rowCount(matrix, this.nFeatures);
    const sums = out && out.length >= n ? out : new Float64Array(n);
    sums.fill(0, 0, n);
    if (this.#compiled && n < 4) this.#sumCompiledFewRows(this.#compiled, matrix, n, sums);
    else if (this.#compiled) this.#sumCompiled(this.#compiled, matrix, n, sums);
    else this.#sumNodes(matrix, n, sums);
    const scale = this.#scale;
    for (let r = 0; r < n; r++) sums[r] = 2 ** (sums[r] * scale);
    return sums;
  }

  /**
   * Add each row's path length in every tree to `sums`. Tree by tree, so a
   * tree's few kilobytes stay in cache across the batch, and eight rows at a
   * time (the last few one by one), so the CPU overlaps eight independent walks
   * (14 % less time per reading than four at a time, `tools/bench`'s scoring
   * figure). The step `2i + 2 - (x < split)` is the branch-free form of "left
   * if x < split". Every row's sum adds its trees in the same order on every
   * path, so all give identical sums.
   */
  #sumCompiled(forest: CompiledForest, matrix: Float64Array, n: number, sums: Float64Array): void {
    const nf = this.nFeatures;
    const height = this.#height;
    const inner = forest.inner;
    const n8 = n - (n % 8);
    for (let t = 0; t < forest.trees.length; t++) {
      const { feature: f, split: s, leaf: l } = forest.trees[t];
      let r = 0;
      for (; r < n8; r += 8) {
        const b0 = r * nf, b1 = b0 + nf, b2 = b1 + nf, b3 = b2 + nf;
        const b4 = b3 + nf, b5 = b4 + nf, b6 = b5 + nf, b7 = b6 + nf;
        let i0 = 0, i1 = 0, i2 = 0, i3 = 0, i4 = 0, i5 = 0, i6 = 0, i7 = 0;
        for (let d = 0; d < height; d++) {
          i0 = 2 * i0 + 2 - (matrix[b0 + f[i0]] < s[i0] as unknown as number);
          i1 = 2 * i1 + 2 - (matrix[b1 + f[i1]] < s[i1] as unknown as number);
          i2 = 2 * i2 + 2 - (matrix[b2 + f[i2]] < s[i2] as unknown as number);
          i3 = 2 * i3 + 2 - (matrix[b3 + f[i3]] < s[i3] as unknown as number);
          i4 = 2 * i4 + 2 - (matrix[b4 + f[i4]] < s[i4] as unknown as number);
          i5 = 2 * i5 + 2 - (matrix[b5 + f[i5]] < s[i5] as unknown as number);
          i6 = 2 * i6 + 2 - (matrix[b6 + f[i6]] < s[i6] as unknown as number);
          i7 = 2 * i7 + 2 - (matrix[b7 + f[i7]] < s[i7] as unknown as number);
        }
        sums[r] += l[i0 - inner];
        sums[r + 1] += l[i1 - inner];
        sums[r + 2] += l[i2 - inner];
        sums[r + 3] += l[i3 - inner];
        sums[r + 4] += l[i4 - inner];
        sums[r + 5] += l[i5 - inner];
        sums[r + 6] += l[i6 - inner];
        sums[r + 7] += l[i7 - inner];
      }
      for (; r < n; r++) {
        const b = r * nf;
        let i = 0;
        for (let d = 0; d < height; d++) {
          i = 2 * i + 2 - (matrix[b + f[i]] < s[i] as unknown as number);
        }
        sums[r] += l[i - inner];
      }
    }
  }

  /**
   * As {@link #sumCompiled} for one to three rows: overlaps four trees instead
   * of four rows, and reads the float32 splits (see {@link CompiledForest}).
   */
  #sumCompiledFewRows(
    forest: CompiledForest,
    matrix: Float64Array,
    n: number,
    sums: Float64Array,
  ): void {
    const nf = this.nFeatures;
    const height = this.#height;
    const { inner, feature: f, split, split32: s, leafIndex: leaf, paths } = forest;
    if (this.#rows32.length < n * nf) this.#rows32 = new Float32Array(n * nf);
    const x = this.#rows32;
    for (let i = 0; i < n * nf; i++) x[i] = matrix[i];
    const nTrees = this.nTrees;
    const t4 = nTrees - (nTrees % 4);
    const slots = inner + 1;
    for (let r = 0, b = 0; r < n; r++, b += nf) {
      let sum = 0;
      let t = 0;
      for (; t < t4; t += 4) {
        const c0 = t * inner, c1 = c0 + inner, c2 = c1 + inner, c3 = c2 + inner;
        let i0 = c0, i1 = c1, i2 = c2, i3 = c3;
        for (let d = 0; d < height; d++) {
          const x0 = x[b + f[i0]], x1 = x[b + f[i1]], x2 = x[b + f[i2]], x3 = x[b + f[i3]];
          const s0 = s[i0], s1 = s[i1], s2 = s[i2], s3 = s[i3];
          let l0 = x0 < s0 as unknown as number, l1 = x1 < s1 as unknown as number;
          let l2 = x2 < s2 as unknown as number, l3 = x3 < s3 as unknown as number;
          // A tie in float32 (about one step in millions): the exact comparison decides.
          if (x0 === s0) l0 = matrix[b + f[i0]] < split[i0] as unknown as number;
          if (x1 === s1) l1 = matrix[b + f[i1]] < split[i1] as unknown as number;
          if (x2 === s2) l2 = matrix[b + f[i2]] < split[i2] as unknown as number;
          if (x3 === s3) l3 = matrix[b + f[i3]] < split[i3] as unknown as number;
          i0 += i0 - c0 + 2 - l0;
          i1 += i1 - c1 + 2 - l1;
          i2 += i2 - c2 + 2 - l2;
          i3 += i3 - c3 + 2 - l3;
        }
        // Same left-to-right order as the other paths, so all give identical sums.
        sum += paths[leaf[t * slots + i0 - c0 - inner]];
        sum += paths[leaf[(t + 1) * slots + i1 - c1 - inner]];
        sum += paths[leaf[(t + 2) * slots + i2 - c2 - inner]];
        sum += paths[leaf[(t + 3) * slots + i3 - c3 - inner]];
      }
      for (; t < nTrees; t++) {
        const c = t * inner;
        let i = c;
        for (let d = 0; d < height; d++) {
          const xi = x[b + f[i]], si = s[i];
          let l = xi < si as unknown as number;
          if (xi === si) l = matrix[b + f[i]] < split[i] as unknown as number;
          i += i - c + 2 - l;
        }
        sum += paths[leaf[t * slots + i - c - inner]];
      }
      sums[r] = sum;
    }
  }

  /** The node-by-node walk for forests too deep to compile. */
  #sumNodes(matrix: Float64Array, n: number, sums: Float64Array): void {
    const nf = this.nFeatures;
    const { feature, split, right, roots } = this.arrays;
    const leafPath = this.#leafPath;
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      for (let r = 0, b = 0; r < n; r++, b += nf) {
        let node = root;
        let f = feature[node];
        while (f >= 0) {
          // The left child is always the next node (pre-order layout).
          node = matrix[b + f] < split[node] ? node + 1 : right[node];
          f = feature[node];
        }
        sums[r] += leafPath[node];
      }
    }
  }
}

/** Compile every tree into a complete binary tree of the given height (see {@link CompiledForest}). */
function compile(arrays: ForestArrays, leafPath: Float64Array, height: number): CompiledForest {
  const inner = (1 << height) - 1;
  const nTrees = arrays.roots.length;
  // Padding slots keep feature 0, split 0: either way leads to the same leaf.
  const feature = new Int8Array(nTrees * inner);
  const split = new Float64Array(nTrees * inner);
  const leaf = new Uint16Array(nTrees * (inner + 1));
  // At most (height + 1) depths times (1 << height) sizes: indices fit 16 bits.
  const paths: number[] = [];
  const pathIndex = new Map<number, number>();
  for (let t = 0; t < nTrees; t++) {
    const base = t * inner;
    const bottom = t * (inner + 1) - inner;
    // Explicit stack of (node, slot) pairs; depth is implied by the slot.
    const stack: number[] = [arrays.roots[t], 0];
    while (stack.length > 0) {
      const slot = stack.pop()!;
      const node = stack.pop()!;
      if (arrays.feature[node] < 0) {
        // Every bottom slot under `slot` gets this leaf's path length.
        let lo = slot, hi = slot;
        while (lo < inner) {
          lo = 2 * lo + 1;
          hi = 2 * hi + 2;
        }
        let index = pathIndex.get(leafPath[node]);
        if (index === undefined) {
          index = paths.push(leafPath[node]) - 1;
          pathIndex.set(leafPath[node], index);
        }
        leaf.fill(index, bottom + lo, bottom + hi + 1);
      } else {
        feature[base + slot] = arrays.feature[node];
        split[base + slot] = arrays.split[node];
        stack.push(arrays.left[node], 2 * slot + 1, arrays.right[node], 2 * slot + 2);
      }
    }
  }
  const lengths = Float64Array.from(leaf, (index) => paths[index]);
  const trees = [];
  for (let t = 0; t < nTrees; t++) {
    trees.push({
      feature: feature.subarray(t * inner, (t + 1) * inner),
      split: split.subarray(t * inner, (t + 1) * inner),
      leaf: lengths.subarray(t * (inner + 1), (t + 1) * (inner + 1)),
    });
  }
  return {
    inner,
    trees,
    feature,
    split,
    split32: Float32Array.from(split),
    leafIndex: leaf,
    paths: Float64Array.from(paths),
  };
}

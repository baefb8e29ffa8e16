/**
 * A sliding window of the latest inputs, binned against a version's drift
 * reference, and its PSI per feature. Each reading costs one binary search
 * per feature; the window stores one byte per feature per reading (bin
 * indices in a ring buffer) and running counts, so PSI is computed from the
 * counts at scrape time without touching the window.
 */
import { binIndex, type DriftReference } from "../detector/mod.ts";
import { psi } from "./psi.ts";
import { assertInRange } from "../../lib/ranges.ts";

/** Options for {@link DriftWindow}. */
export interface DriftWindowOptions {
  /** Readings in the window (`DRIFT_WINDOW`). */
  capacity: number;
  /** Readings needed before PSI is reported: fewer give a noisy estimate. Default capacity / 4. */
  minReadings?: number;
}

/** Per-feature PSI of the latest readings against a training reference. */
export class DriftWindow {
  /** Feature names in column order. */
  readonly features: readonly string[];
  readonly #edges: number[][];
  readonly #expected: number[][];
  readonly #counts: Int32Array[];
  readonly #ring: Uint8Array;
  readonly #capacity: number;
  readonly #minReadings: number;
  #next = 0;
  #size = 0;

  /** An empty window over `reference`'s features. */
  constructor(reference: DriftReference, options: DriftWindowOptions) {
    assertInRange({ name: "Window capacity", min: 1, integer: true }, options.capacity);
    this.features = Object.keys(reference.features);
    this.#edges = this.features.map((f) => reference.features[f].edges);
    this.#expected = this.features.map((f) => reference.features[f].proportions);
    if (this.#edges.some((e) => e.length > 255)) {
      throw new RangeError("A drift reference may have at most 256 bins per feature");
    }
    this.#counts = this.#expected.map((p) => new Int32Array(p.length));
    this.#capacity = options.capacity;
    this.#minReadings = options.minReadings ?? Math.ceil(options.capacity / 4);
    this.#ring = new Uint8Array(options.capacity * this.features.length);
  }

  /** Readings currently in the window. */
  get size(): number {
    return this.#size;
  }

  /** Add readings (objects with a finite number per feature), evicting the oldest. */
  observe(readings: readonly Record<string, unknown>[]): void {
    const nf = this.features.length;
    const n = readings.length;
    const start = this.#next;
    const capacity = this.#capacity;
    // Feature by feature: name, edges and counts stay the same for a whole pass over the batch.
    for (let f = 0; f < nf; f++) {
      const name = this.features[f];
      const edges = this.#edges[f];
      const counts = this.#counts[f];
      let size = this.#size;
      let next = start;
      for (let r = 0; r < n; r++) {
        const at = next * nf + f;
        const bin = binIndex(edges, readings[r][name] as number);
        if (size === capacity) counts[this.#ring[at]]--;
        else size++;
        this.#ring[at] = bin;
        counts[bin]++;
        next = next + 1 === capacity ? 0 : next + 1;
      }
    }
    this.#size = Math.min(capacity, this.#size + n);
    this.#next = (start + n) % capacity;
  }

  /** PSI per feature, or null while the window holds fewer than `minReadings`. */
  psi(): Record<string, number> | null {
    if (this.#size < this.#minReadings || this.#size === 0) return null;
    const out: Record<string, number> = {};
    this.features.forEach((f, i) => (out[f] = psi(this.#expected[i], this.#counts[i], this.#size)));
    return out;
  }
}

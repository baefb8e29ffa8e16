/**
 * The drift tests of one champion on one worker: the live window
 * (`drift_window.ts`) against the training sample the champion's artifact
 * carries. Per feature a two-sample Kolmogorov–Smirnov test and the PSI over
 * the training deciles; over whole rows an MMD test (standardized features,
 * Gaussian kernel, permutation p-value) on a bounded subsample. One family of
 * k + 1 tests (k features and the MMD): Bonferroni, each test at α / (k + 1),
 * and a KS statistic of at least `minStatistic` on top, because with
 * thousands of readings a difference too small to matter is still
 * significant. The request path only feeds the window; {@link evaluate}
 * runs the tests at most once per `cacheMs` (scrapes and `GET /models` read
 * the cached result), so their cost is bounded whatever the traffic.
 */
import type { DriftSummary, DriftVerdict, FeatureDrift } from "../../lib/contract.ts";
import {
  binIndex,
  type DriftReference,
  readDriftReference,
  readReferenceSample,
} from "../detector/mod.ts";
import { createRng, type Rng } from "../../lib/simulator/rng.ts";
import { DriftWindow } from "./drift_window.ts";
import { ksTest } from "./ks.ts";
import { medianDistance, mmdTest } from "./mmd.ts";
import { psi } from "./psi.ts";

/** The drift settings (`DRIFT_*`). */
export interface DriftSettings {
  /** Most readings in the window (`DRIFT_WINDOW`). */
  capacity: number;
  /** Oldest reading kept, seconds (`DRIFT_WINDOW_S`). */
  maxAgeSeconds: number;
  /** Fewest readings that give a verdict (`DRIFT_MIN_READINGS`). */
  minReadings: number;
  /** Family-wise significance level (`DRIFT_ALPHA`). */
  alpha: number;
  /** Smallest KS statistic that counts as drift (`DRIFT_MIN_KS`). */
  minStatistic: number;
}

/** Options for {@link DriftCheck}. */
export interface DriftCheckOptions extends DriftSettings {
  /** Longest a result is reused, ms. Default 5,000. */
  cacheMs?: number;
  /** Rows per side of the MMD test. Default 150. */
  mmdRows?: number;
  /** MMD permutations. Default 499 (p-values down to 0.002). */
  permutations?: number;
  /** Time slices of the window (`drift_window.ts`). Default 10; 1 for a file read at once. */
  slices?: number;
  /** Seed of the window's and the permutations' randomness. Default random. */
  seed?: number;
  /** The clock (epoch ms). Default `Date.now`. */
  now?: () => number;
}

/** The live window and the training sample, sorted, side by side (for the report). */
export interface DriftSamples {
  features: readonly string[];
  /** Per feature, training values (empty without a sample) and window values. */
  reference: Float64Array[];
  current: Float64Array[];
}

interface Prepared {
  rows: number;
  sorted: Float64Array[];
  /** Standardized rows for the MMD (every k-th, at most mmdRows). */
  mmd: Float64Array;
  mean: number[];
  sd: number[];
  bandwidth: number;
}

/** Drift tests of one champion's inputs. */
export class DriftCheck {
  /** Feature names in column order. */
  readonly features: readonly string[];
  readonly #settings: Required<Omit<DriftCheckOptions, "seed" | "now" | "slices">>;
  readonly #window: DriftWindow;
  readonly #bins: DriftReference | null;
  readonly #reference: Prepared | null;
  readonly #rng: Rng;
  readonly #now: () => number;
  #cached: { at: number; result: DriftSummary } | null = null;

  /** A check of `features` against the training summary `training` (of the champion's info). */
  constructor(
    features: readonly string[],
    training: Record<string, unknown>,
    options: DriftCheckOptions,
  ) {
    this.features = [...features];
    this.#settings = {
      capacity: options.capacity,
      maxAgeSeconds: options.maxAgeSeconds,
      minReadings: options.minReadings,
      alpha: options.alpha,
      minStatistic: options.minStatistic,
      cacheMs: options.cacheMs ?? 5_000,
      mmdRows: options.mmdRows ?? 150,
      permutations: options.permutations ?? 499,
    };
    this.#now = options.now ?? Date.now;
    const seed = options.seed ?? crypto.getRandomValues(new Uint32Array(1))[0];
    this.#rng = createRng(seed ^ 0x5bd1e995);
    this.#window = new DriftWindow(features, {
      capacity: options.capacity,
      maxAgeMs: options.maxAgeSeconds * 1000,
      ...(options.slices ? { slices: options.slices } : {}),
      seed,
      now: this.#now,
    });
    this.#bins = readDriftReference(training, features);
    const sample = readReferenceSample(training, features);
    this.#reference = sample
      ? this.#prepare(sample.rows, features.map((f) => sample.features[f]))
      : null;
  }

  /** Readings in the window now. */
  get size(): number {
    return this.#window.size;
  }

  /** Rows of the training sample, or null when the artifact has none. */
  get referenceRows(): number | null {
    return this.#reference?.rows ?? null;
  }

  /** Feed the window (the request path: no test runs here). */
  observe(readings: readonly object[]): void {
    this.#window.observe(readings);
  }

  /** The tests' result, recomputed when the cached one is older than `cacheMs`. */
  evaluate(): DriftSummary {
    const now = this.#now();
    if (this.#cached && now - this.#cached.at < this.#settings.cacheMs) return this.#cached.result;
    const result = this.#run();
    this.#cached = { at: now, result };
    return result;
  }

  /** Training and window values per feature, sorted (for histograms). */
  samples(): DriftSamples {
    const nf = this.features.length;
    const rows = this.#window.sample();
    return {
      features: this.features,
      reference: this.features.map((_, f) => this.#reference?.sorted[f] ?? new Float64Array()),
      current: this.features.map((_, f) => column(rows, nf, f).sort()),
    };
  }

  #prepare(rows: number, columns: number[][]): Prepared {
    const nf = columns.length;
    const mean = columns.map((c) => c.reduce((a, b) => a + b, 0) / rows);
    const sd = columns.map((c, f) =>
      Math.sqrt(c.reduce((a, b) => a + (b - mean[f]) ** 2, 0) / rows) || 1
    );
    const picked = Math.min(rows, this.#settings.mmdRows);
    const step = rows / picked;
    const mmd = new Float64Array(picked * nf);
    for (let i = 0; i < picked; i++) {
      const r = Math.floor(i * step);
      for (let f = 0; f < nf; f++) mmd[i * nf + f] = (columns[f][r] - mean[f]) / sd[f];
    }
    return {
      rows,
      sorted: columns.map((c) => Float64Array.from(c).sort()),
      mmd,
      mean,
      sd,
      bandwidth: medianDistance(mmd, nf),
    };
  }

  #run(): DriftSummary {
    const s = this.#settings;
    const nf = this.features.length;
    const perTest = s.alpha / (nf + 1);
    const rows = this.#window.sample();
    const n = rows.length / nf;
    const ref = this.#reference;
    const waiting: DriftVerdict = !ref ? "no_reference" : "insufficient_data";
    const enough = ref !== null && n >= s.minReadings;
    const features: Record<string, FeatureDrift> = {};
    let any = false;
    this.features.forEach((name, f) => {
      const values = column(rows, nf, f);
      const bins = this.#bins?.features[name];
      const psiValue = bins && n >= s.minReadings
        ? psiOf(bins.edges, bins.proportions, values)
        : null;
      if (!enough) {
        features[name] = { ks_statistic: null, ks_p_value: null, psi: psiValue, verdict: waiting };
        return;
      }
      const ks = ksTest(ref.sorted[f], values.sort());
      const drift = ks.pValue < perTest && ks.statistic >= s.minStatistic;
      any ||= drift;
      features[name] = {
        ks_statistic: ks.statistic,
        ks_p_value: ks.pValue,
        psi: psiValue,
        verdict: drift ? "drift" : "no_drift",
      };
    });
    let multivariate: DriftSummary["multivariate"] = {
      test: "mmd",
      statistic: null,
      p_value: null,
      verdict: waiting,
    };
    if (enough) {
      const picked = Math.min(n, s.mmdRows);
      const step = n / picked;
      const x = new Float64Array(picked * nf);
      for (let i = 0; i < picked; i++) {
        const r = Math.floor(i * step);
        for (let f = 0; f < nf; f++) x[i * nf + f] = (rows[r * nf + f] - ref.mean[f]) / ref.sd[f];
      }
      const m = mmdTest(ref.mmd, x, {
        dims: nf,
        bandwidth: ref.bandwidth,
        permutations: s.permutations,
        rng: this.#rng,
      });
      const drift = m.pValue < perTest;
      any ||= drift;
      multivariate = {
        test: "mmd",
        statistic: m.statistic,
        p_value: m.pValue,
        verdict: drift ? "drift" : "no_drift",
      };
    }
    return {
      verdict: !enough ? waiting : any ? "drift" : "no_drift",
      window: {
        readings: n,
        min_readings: s.minReadings,
        capacity: this.#window.capacity,
        max_age_s: s.maxAgeSeconds,
      },
      reference_rows: ref?.rows ?? null,
      thresholds: {
        alpha: s.alpha,
        per_test_alpha: perTest,
        correction: "bonferroni",
        min_ks_statistic: s.minStatistic,
      },
      features,
      multivariate,
    };
  }
}

function column(rows: Float64Array, nf: number, f: number): Float64Array {
  const n = rows.length / nf;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = rows[r * nf + f];
  return out;
}

function psiOf(edges: readonly number[], proportions: readonly number[], values: Float64Array) {
  const counts = new Int32Array(proportions.length);
  for (const v of values) counts[binIndex(edges, v)]++;
  return psi(proportions, counts, values.length);
}

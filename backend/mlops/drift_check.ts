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
 *
 * Grid readings follow the day, and a window of minutes is not a sample of a
 * whole day: at the evening peak, normal current sits well above the day's
 * average. So when the training sample carries times of day and the window's
 * readings carry timestamps, the window is compared with the training rows
 * within {@link MATCH_BAND_S} of its readings' times of day; with fewer than
 * {@link MIN_MATCHED_ROWS} such rows the verdict is `no_reference` (the model
 * never saw those hours), never a guess.
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

/** Training rows this close (seconds, either side) to a window reading's time of day match it. */
export const MATCH_BAND_S = 45 * 60;
/** Fewest matching training rows that give a verdict. */
export const MIN_MATCHED_ROWS = 50;
/** Share of the window's readings that must carry a timestamp for matching by time of day. */
const MIN_TIMED_SHARE = 0.9;
/** Bins of the day for matching (15 minutes each). */
const DAY_BINS = 96;
const BIN_S = 86_400 / DAY_BINS;

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
  /** The sample's columns in training order, and its rows' times of day (null: none). */
  readonly #columns: number[][];
  readonly #timeOfDay: readonly number[] | null;
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
    this.#columns = sample ? features.map((f) => sample.features[f]) : [];
    this.#timeOfDay = sample?.timeOfDay ?? null;
    this.#reference = sample ? this.#prepare(sample.rows, this.#columns) : null;
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

  /** Training values (those the window is compared with) and window values per feature, sorted. */
  samples(): DriftSamples {
    const nf = this.features.length;
    const rows = this.#window.sample();
    const { ref } = this.#referenceFor();
    return {
      features: this.features,
      reference: this.features.map((_, f) => ref?.sorted[f] ?? new Float64Array()),
      current: this.features.map((_, f) => column(rows, nf, f).sort()),
    };
  }

  /** The sample's rows ready for the tests, standardized by `scale` or by their own moments. */
  #prepare(
    rows: number,
    columns: number[][],
    scale?: Pick<Prepared, "mean" | "sd" | "bandwidth">,
  ): Prepared {
    const nf = columns.length;
    const mean = scale?.mean ?? columns.map((c) => c.reduce((a, b) => a + b, 0) / rows);
    const sd = scale?.sd ??
      columns.map((c, f) => Math.sqrt(c.reduce((a, b) => a + (b - mean[f]) ** 2, 0) / rows) || 1);
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
      bandwidth: scale?.bandwidth ?? medianDistance(mmd, nf),
    };
  }

  /**
   * The reference to test the window against: the training rows of the window's hours when
   * both sides carry times of day (null when too few match), else the whole sample.
   */
  #referenceFor(): { ref: Prepared | null; match: "all_rows" | "time_of_day" } {
    const full = this.#reference;
    const times = this.#timeOfDay;
    if (full === null || times === null) return { ref: full, match: "all_rows" };
    const live = this.#window.timesOfDay();
    const occupied = new Uint8Array(DAY_BINS);
    let timed = 0;
    for (const t of live) {
      if (!Number.isFinite(t)) continue;
      timed++;
      occupied[Math.floor(t / BIN_S) % DAY_BINS] = 1;
    }
    if (live.length === 0 || timed < MIN_TIMED_SHARE * live.length) {
      return { ref: full, match: "all_rows" };
    }
    // A bin is near when an occupied bin lies within the band, around midnight too.
    const reach = Math.ceil(MATCH_BAND_S / BIN_S);
    const near = new Uint8Array(DAY_BINS);
    for (let b = 0; b < DAY_BINS; b++) {
      if (!occupied[b]) continue;
      for (let d = -reach; d <= reach; d++) near[(b + d + DAY_BINS) % DAY_BINS] = 1;
    }
    const picked: number[] = [];
    for (let r = 0; r < times.length; r++) {
      if (near[Math.floor(times[r] / BIN_S) % DAY_BINS]) picked.push(r);
    }
    if (picked.length === times.length) return { ref: full, match: "time_of_day" };
    if (picked.length < MIN_MATCHED_ROWS) return { ref: null, match: "time_of_day" };
    const columns = this.#columns.map((c) => picked.map((r) => c[r]));
    // Standardized as the whole sample is, so the MMD's scale does not move with the hour.
    return { ref: this.#prepare(picked.length, columns, full), match: "time_of_day" };
  }

  #run(): DriftSummary {
    const s = this.#settings;
    const nf = this.features.length;
    const perTest = s.alpha / (nf + 1);
    const rows = this.#window.sample();
    const n = rows.length / nf;
    const { ref, match } = this.#referenceFor();
    const waiting: DriftVerdict = !ref ? "no_reference" : "insufficient_data";
    const enough = ref !== null && n >= s.minReadings;
    const features: Record<string, FeatureDrift> = {};
    let any = false;
    this.features.forEach((name, f) => {
      const values = column(rows, nf, f);
      const bins = this.#bins?.features[name];
      // PSI against the training deciles' shares, or, matched by hours, the matched rows' shares.
      const expected = !bins
        ? null
        : match === "all_rows"
        ? bins.proportions
        : ref
        ? sharesOf(bins.edges, ref.sorted[f])
        : null;
      const psiValue = bins && expected && n >= s.minReadings
        ? psiOf(bins.edges, expected, values)
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
      reference_rows: ref?.rows ?? (this.#reference ? 0 : null),
      reference_match: match,
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

/**
 * Shares of `values` in the bins of `edges`, smoothed (half a row added to every bin): a few
 * hundred matched training rows leave some bins empty by chance, and an empty expected bin would
 * make any live reading there look like a large shift.
 */
function sharesOf(edges: readonly number[], values: Float64Array): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0.5);
  for (const v of values) counts[binIndex(edges, v)]++;
  const total = values.length + 0.5 * counts.length;
  return counts.map((c) => c / total);
}

function psiOf(edges: readonly number[], proportions: readonly number[], values: Float64Array) {
  const counts = new Int32Array(proportions.length);
  for (const v of values) counts[binIndex(edges, v)]++;
  return psi(proportions, counts, values.length);
}

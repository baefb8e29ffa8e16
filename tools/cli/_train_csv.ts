/**
 * `train --csv`: fit a point forest or a temporal model on the training rows
 * of one or more files (`_byod_report.ts` then reports on the rest). The
 * threshold is chosen on the training rows.
 */
import { UsageError } from "./_common.ts";
import { type DataFlags, shortNames } from "./_data_flags.ts";
import {
  type Dataset,
  loadDataFlagFiles,
  pickRows,
  type Split,
  splitRows,
  streamKeys,
} from "./_dataset.ts";
import type { TrainedCsv } from "./_byod_report.ts";
import {
  type AnyModel,
  fitTemporal,
  type GridMap,
  type ModelConfig,
  trainModel,
  validateModelConfig,
} from "../../backend/detector/mod.ts";

/** What `train --csv` needs besides the data flags. */
export interface TrainCsvOptions {
  data: DataFlags;
  features: string[];
  detector: "point" | "temporal";
  /** Forest config (contamination and training size are replaced). */
  config: ModelConfig;
  /** The share of training rows above the threshold (contamination or target FAR). */
  quantile: number;
  /** How the threshold was chosen, in words. */
  rule: string;
  window: number;
  grid: GridMap;
}

function describeData(datasets: Dataset[], splits: Split[], d: DataFlags, fitRows: number) {
  const names = shortNames(datasets.map((ds) => ds.path));
  const rule = d.label ? `rows with ${d.label} = 0` : "all rows";
  const part = d.trainRows === null ? "" : `the first ${d.trainRows} rows of `;
  const where = datasets.length === 1 ? names[0] : `each of ${datasets.length} files`;
  const tested = splits.reduce((a, s) => a + s.test.length, 0);
  const evaluationText = d.trainRows === null
    ? `all ${tested} labeled rows of ${
      datasets.length === 1 ? names[0] : `${datasets.length} files`
    } ` +
      "(normal rows were also training rows)"
    : `the ${tested} rows after the first ${d.trainRows} of ${where}`;
  return {
    dataText: `${fitRows} rows of ${part}${where} (${rule}; features ${
      d.features?.join(",") ?? ""
    })`,
    evaluationText,
  };
}

/** What {@link fitDetector} needs: the detector, its settings and the features. */
export type FitOptions = Pick<
  TrainCsvOptions,
  "features" | "detector" | "config" | "quantile" | "window" | "grid"
>;

/**
 * Fit the chosen detector on the `fit` rows of every dataset (each file's
 * rows in order, streams by meter or file). Throws UsageError on too little data.
 */
export function fitDetector(
  datasets: readonly Dataset[],
  splits: readonly Split[],
  options: FitOptions,
  description: Record<string, unknown>,
): { model: AnyModel; ms: number } {
  const { features } = options;
  const labeled = datasets.some((ds) => ds.data.labels !== null);
  const nf = features.length;
  const fit = new Float64Array(splits.reduce((a, s) => a + s.fit.length, 0) * nf);
  const keys: string[] = [];
  let at = 0;
  datasets.forEach((ds, i) => {
    fit.set(pickRows(ds.data.matrix, nf, splits[i].fit), at * nf);
    const k = streamKeys(ds);
    for (const r of splits[i].fit) keys.push(k[r]);
    at += splits[i].fit.length;
  });
  const rows = at;
  const needed = options.detector === "temporal" ? 2 * options.window : 2;
  if (rows < needed) {
    throw new UsageError(
      `Only ${rows} training rows${labeled ? ` labeled 0` : ""}; the ${options.detector} ` +
        `detector needs at least ${needed}`,
    );
  }
  const started = performance.now();
  let model: AnyModel;
  if (options.detector === "point") {
    const config = validateModelConfig({
      ...options.config,
      contamination: options.quantile,
      trainingSize: rows,
    });
    model = trainModel(config, {
      data: fit,
      features,
      dataDescription: description,
      evaluation: false,
      grid: options.grid,
      source: "trained by deno task train",
    });
  } else {
    model = fitTemporal(fit, features, {
      window: options.window,
      contamination: options.quantile,
    }, { meters: keys, description, grid: options.grid });
  }
  return { model, ms: performance.now() - started };
}

/** Load the files, fit the chosen detector on their training rows; throws UsageError on too little data. */
export async function trainOnCsv(options: TrainCsvOptions): Promise<TrainedCsv> {
  const { data: d, features } = options;
  const datasets = await loadDataFlagFiles(d, features);
  const splits = datasets.map((ds) => splitRows(ds, d.trainRows));
  const files = datasets.map((ds, i) => ({
    file: shortNames(d.paths)[i],
    sha256: ds.sha256,
    rows: ds.data.rows,
    train_rows: splits[i].trainRows,
    fit_rows: splits[i].fit.length,
  }));
  const description: Record<string, unknown> = {
    source: "csv",
    ...(files.length === 1 ? { file: files[0].file, sha256: files[0].sha256 } : { files }),
    rows: splits.reduce((a, s) => a + s.fit.length, 0),
    trainedOn: d.trainRows === null
      ? (d.label ? `rows with ${d.label} = 0` : "all rows")
      : `the first ${d.trainRows} rows of each file${d.label ? `, those with ${d.label} = 0` : ""}`,
    threshold: options.rule,
    ...(d.label ? { labelColumn: d.label } : {}),
    ...(d.meter ? { meterColumn: d.meter } : {}),
    ...(d.time ? { timeColumn: d.time } : {}),
  };
  const { model, ms } = fitDetector(datasets, splits, options, description);
  const rows = splits.reduce((a, s) => a + s.fit.length, 0);
  return {
    model,
    datasets,
    splits,
    ms,
    ...describeData(datasets, splits, { ...d, features }, rows),
  };
}

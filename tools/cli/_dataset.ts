/**
 * Labeled sensor files for the command-line tools: each `--csv` file read
 * into a feature matrix with optional labels, meters and times, and split by
 * the first-N-rows protocol (fit on the first N rows of each file, evaluate
 * on the rest).
 */
import { csvColumns, type CsvColumnsOptions, type CsvData, parseCsv } from "./_csv.ts";
import { readInputFile, UsageError } from "./_common.ts";
import type { DataFlags } from "./_data_flags.ts";

/** One input file. */
export interface Dataset {
  /** The path as given on the command line (how reports name the file). */
  path: string;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
  data: CsvData;
}

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The files `--csv` names: a file as given, a folder as every `.csv` file in
 * it (sorted by name, not recursing). Throws UsageError for a folder without any.
 */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let isDirectory = false;
    try {
      isDirectory = (await Deno.stat(path)).isDirectory;
    } catch {
      // Missing or unreadable: readInputFile reports it in its words.
    }
    if (!isDirectory) {
      out.push(path);
      continue;
    }
    const names: string[] = [];
    for await (const entry of Deno.readDir(path)) {
      if (entry.isFile && entry.name.toLowerCase().endsWith(".csv")) names.push(entry.name);
    }
    if (names.length === 0) throw new UsageError(`Folder "${path}" holds no .csv files`);
    const base = path.endsWith("/") ? path : `${path}/`;
    out.push(...names.sort().map((name) => `${base}${name}`));
  }
  return out;
}

/** Read and parse every file; errors name the file ("a.csv: CSV line 3 ..."). */
export async function loadDatasets(
  paths: readonly string[],
  options: CsvColumnsOptions,
): Promise<Dataset[]> {
  const out: Dataset[] = [];
  for (const path of paths) {
    const text = await readInputFile(path, "CSV file");
    let data: CsvData;
    try {
      data = csvColumns(parseCsv(text), options);
    } catch (err) {
      const message = paths.length > 1
        ? `${path}: ${(err as Error).message}`
        : (err as Error).message;
      throw err instanceof RangeError ? new RangeError(message) : new TypeError(message);
    }
    out.push({ path, sha256: await sha256(text), data });
  }
  return out;
}

/** Load the files `--csv` named, reading `features` and the label, meter and time columns given. */
export function loadDataFlagFiles(
  data: DataFlags,
  features: readonly string[],
): Promise<Dataset[]> {
  return loadDatasets(data.paths, {
    features,
    ...(data.label ? { label: data.label } : {}),
    ...(data.meter ? { meter: data.meter } : {}),
    ...(data.time ? { time: data.time } : {}),
    ...(data.timeOffset ? { timeOffset: data.timeOffset } : {}),
  });
}

/** The stream key of each row: its meter when the file has a meter column, else the file. */
export function streamKeys(ds: Dataset): string[] {
  return ds.data.meters ?? new Array<string>(ds.data.rows).fill(ds.path);
}

/** How one file's rows are used. */
export interface Split {
  /** Rows of the training part (the first N, or all rows without `--train-rows`). */
  trainRows: number;
  /** Row indices the model is fitted on: the training part without rows labeled 1. */
  fit: number[];
  /** Row indices evaluated: the rest of the file, or every labeled row without `--train-rows`. */
  test: number[];
}

/**
 * Split a file: with `trainRows` N, fit on its first N rows (those labeled 0
 * when there are labels) and evaluate the rest; without, fit on every row
 * labeled 0 (all rows when unlabeled) and evaluate every labeled row, in sample.
 */
export function splitRows(ds: Dataset, trainRows: number | null): Split {
  const { rows, labels } = ds.data;
  const n = trainRows ?? rows;
  if (trainRows !== null && trainRows >= rows) {
    throw new UsageError(
      `--train-rows ${trainRows} leaves no rows to evaluate in ${ds.path} (${rows} rows)`,
    );
  }
  const fit: number[] = [];
  for (let r = 0; r < n; r++) if (!labels || !labels[r]) fit.push(r);
  const test: number[] = [];
  if (trainRows !== null) { for (let r = trainRows; r < rows; r++) test.push(r); }
  else if (labels) { for (let r = 0; r < rows; r++) test.push(r); }
  return { trainRows: n, fit, test };
}

/** Rows `indices` of a row-major matrix with `nf` columns, as a new matrix. */
export function pickRows(
  matrix: Float64Array,
  nf: number,
  indices: readonly number[],
): Float64Array {
  const out = new Float64Array(indices.length * nf);
  indices.forEach((r, i) => out.set(matrix.subarray(r * nf, r * nf + nf), i * nf));
  return out;
}

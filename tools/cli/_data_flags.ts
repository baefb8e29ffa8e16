/**
 * The flags `train` and `evaluate` share for your own data: which files and
 * columns, the first-N-rows protocol, the threshold rule and the outputs.
 */
import { type CliIo, numberSetting, splitList, stringList, UsageError } from "./_common.ts";
import type { Range } from "../../lib/ranges.ts";
import { parseTimestamp } from "../../lib/timestamp.ts";

// --train-rows is a row count; --target-far a false-alarm rate worth aiming for.
const COUNTS: Range = { min: 1, integer: true };
const FAR_RATES: Range = { min: 0, max: 0.5, exclusiveMin: true };

/** Flag specs for own data, merged into each tool's flags. */
export const DATA_FLAGS = {
  csv: { type: "string", multiple: true },
  features: { type: "string" },
  label: { type: "string" },
  meter: { type: "string" },
  time: { type: "string" },
  "time-offset": { type: "string" },
  "train-rows": { type: "string" },
  "target-far": { type: "string" },
  json: { type: "boolean" },
  scores: { type: "string" },
  report: { type: "string" },
} as const;

/** Help lines for {@link DATA_FLAGS}. */
export const DATA_HELP =
  `  --csv FILE             your own data, a CSV with a header row; repeat it for
                         several files, or name a folder for every .csv in it
                         (each file is its own set of streams); comma, semicolon
                         or tab separated (detected; decimal commas with the last two)
  --features a,b,c       feature columns, in model order
  --label COLUMN         label column: 0/1, 0.0/1.0 or true/false
  --meter COLUMN         meter (stream) column; readings of a meter are in time order
  --time COLUMN          time column: a number, or RFC 3339 with an offset
                         (2026-01-01T12:00:00Z, or a space for T); must not go
                         backwards per meter
  --time-offset Z|+HH:MM the UTC offset of --time cells written without one
                         (2014-04-01 00:00:00); one fixed offset (a file in a zone
                         with daylight saving needs its own); --time-offset=-05:00
  --train-rows N         the first N rows of each file are training rows (normal
                         operation); the rest are evaluated
  --target-far X         threshold: flag this share of the training rows' normal
                         readings (the false-alarm rate aimed at), instead of
                         --contamination; the report gives the rate reached on the
                         held-out rows and warns when it is off by more than half
  --json                 print one JSON document (pooled and per file) instead of text
  --scores FILE          write every row's score, flags, label and split as CSV
  --report FILE          write an SVG picture: score over rows per file with labels
                         and threshold, and the precision-recall curve`;

/** Own-data settings read from flags. */
export interface DataFlags {
  paths: string[];
  features: string[] | null;
  label?: string;
  meter?: string;
  time?: string;
  /** UTC offset of time cells written without one (`Z` or `±HH:MM`). */
  timeOffset?: string;
  trainRows: number | null;
  targetFar: number | null;
  json: boolean;
  scores?: string;
  report?: string;
}

function text(values: Record<string, unknown>, flag: string): string | undefined {
  const value = values[flag];
  if (typeof value !== "string") return undefined;
  if (value.trim() === "") throw new UsageError(`--${flag} must not be empty`);
  return value.trim();
}

/** Read {@link DATA_FLAGS}; throws UsageError on a bad value. */
export function dataFlags(
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
): DataFlags {
  const paths = stringList(values, "csv");
  const featuresText = text(values, "features");
  const features = featuresText === undefined ? null : splitList(featuresText);
  if (features && features.length === 0) {
    throw new UsageError("--features must name at least one column");
  }
  if (features && new Set(features).size !== features.length) {
    throw new UsageError(`--features names a column twice: ${features.join(",")}`);
  }
  let trainRows: number | null = null;
  if (typeof values["train-rows"] === "string") {
    trainRows = numberSetting(values, io, { flag: "train-rows", fallback: 0, range: COUNTS });
  }
  let targetFar: number | null = null;
  if (typeof values["target-far"] === "string") {
    targetFar = numberSetting(values, io, { flag: "target-far", fallback: 0, range: FAR_RATES });
  }
  const out: DataFlags = {
    paths,
    features,
    trainRows,
    targetFar,
    json: values.json === true,
  };
  for (const flag of ["label", "meter", "time", "scores", "report"] as const) {
    const value = text(values, flag);
    if (value !== undefined) out[flag] = value;
  }
  if (paths.length === 0) {
    for (
      const flag of [
        "label",
        "meter",
        "time",
        "time-offset",
        "train-rows",
        "target-far",
        "scores",
        "report",
      ]
    ) {
      if (typeof values[flag] === "string") {
        throw new UsageError(`--${flag} applies only with --csv`);
      }
    }
  }
  const offset = text(values, "time-offset");
  if (offset !== undefined) {
    if (
      !/^(Z|[+-]\d{2}:\d{2})$/.test(offset) || !(parseTimestamp(`2026-01-01T00:00${offset}`) >= 0)
    ) {
      throw new UsageError(`--time-offset must be Z or an offset such as +01:00, got "${offset}"`);
    }
    if (out.time === undefined) throw new UsageError("--time-offset applies only with --time");
    out.timeOffset = offset;
  }
  return out;
}

/** Short names for files in text: base names when they are unique, else the paths. */
export function shortNames(paths: readonly string[]): string[] {
  const base = paths.map((p) => p.split(/[\\/]/).pop() ?? p);
  return new Set(base).size === base.length ? base : [...paths];
}

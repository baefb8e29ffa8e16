/**
 * `deno task evaluate`: measure a written model artifact on labeled data,
 * your own CSV or a fresh simulated set: precision, recall, F1, ROC AUC and
 * the confusion matrix (and, on simulated data, recall per anomaly kind).
 */
import {
  type CliIo,
  defaultIo,
  numberSetting,
  parseFlags,
  rawSetting,
  readInputFile,
  runCli,
  splitList,
  UsageError,
} from "./_common.ts";
import { csvColumns, parseCsv } from "./_csv.ts";
import { fixed, formatEvaluation, percent, table } from "./_report.ts";
import { parseArtifact } from "../detector/artifact.ts";
import { evaluateScores } from "../detector/evaluation.ts";
import { type Model, toMatrix } from "../detector/model.ts";
import { hasSensorFault } from "../detector/reasons.ts";
import { FEATURES } from "../detector/types.ts";
import { ANOMALY_KINDS, type AnomalyKind, Simulator } from "../simulator/simulator.ts";

const HELP = `Usage: deno task evaluate [flags]

Evaluate the model artifact on labeled data: precision, recall, F1, ROC AUC
and the confusion matrix.

  --model-dir DIR        (env MODEL_DIR, default models)
  --model-name FILE      (env MODEL_NAME, default isolation_forest.json)
  --csv FILE             labeled CSV with a header row
  --label COLUMN         its 0/1 label column (required with --csv)
  --features a,b,c       CSV columns for the model's features, in model order
                         (default: the model's feature names)
  Without --csv, a fresh labeled simulated set:
  --size N               readings (default 10000)
  --anomaly-rate R       share of anomalies (default 0.05)
  --seed N               simulator seed (default: the model's seed + 2, unseen in training)
  --help                 show this text`;

const FLAGS = {
  "model-dir": { type: "string" },
  "model-name": { type: "string" },
  csv: { type: "string" },
  label: { type: "string" },
  features: { type: "string" },
  size: { type: "string" },
  "anomaly-rate": { type: "string" },
  seed: { type: "string" },
  help: { type: "boolean" },
} as const;

async function loadArtifact(path: string): Promise<Model> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UsageError(`No model artifact at ${path}: run "deno task train" first`);
    }
    throw new UsageError(`Cannot read model artifact ${path}: ${(err as Error).message}`);
  }
  try {
    return parseArtifact(text, { source: `loaded from artifact ${path}` });
  } catch (err) {
    throw new UsageError(`Model artifact ${path} is unusable: ${(err as Error).message}`);
  }
}

/** Run `evaluate` with `args`; returns the exit code. */
export async function main(args: string[], io: CliIo = defaultIo): Promise<number> {
  const values = parseFlags(args, FLAGS);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const dir = rawSetting(values, io, { flag: "model-dir", env: "MODEL_DIR" })?.raw ?? "models";
  const name = rawSetting(values, io, { flag: "model-name", env: "MODEL_NAME" })?.raw ??
    "isolation_forest.json";
  const path = dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;

  let matrix: Float64Array;
  let labels: boolean[];
  let kinds: (AnomalyKind | null)[] | null = null;
  let dataText: string;
  if (typeof values.csv === "string") {
    for (const flag of ["size", "anomaly-rate", "seed"]) {
      if (typeof values[flag] === "string") {
        throw new UsageError(`--${flag} applies only to simulated data, not with --csv`);
      }
    }
    if (typeof values.label !== "string") {
      throw new UsageError(
        "--label is required with --csv: name the 0/1 column to evaluate against",
      );
    }
    const model = await loadArtifact(path);
    const features = typeof values.features === "string"
      ? splitList(values.features)
      : [...model.features];
    if (features.length !== model.features.length) {
      throw new UsageError(
        `--features must name ${model.features.length} columns for the model's features ` +
          `${model.features.join(",")}, got ${features.length}`,
      );
    }
    const text = await readInputFile(values.csv, "CSV file");
    const data = csvColumns(parseCsv(text), { features, label: values.label });
    matrix = data.matrix;
    labels = data.labels!;
    dataText = `${data.rows} labeled rows of ${values.csv}`;
    return finish(model, { matrix, labels, kinds, dataText, path }, io);
  }

  if (typeof values.features === "string" || typeof values.label === "string") {
    throw new UsageError("--features and --label apply only with --csv");
  }
  const size = numberSetting(values, io, { flag: "size", fallback: 10_000, integer: true });
  if (size < 1 || size > 10_000_000) {
    throw new UsageError(`--size must be from 1 to 10000000, got ${size}`);
  }
  const anomalyRate = numberSetting(values, io, { flag: "anomaly-rate", fallback: 0.05 });
  if (!(anomalyRate > 0 && anomalyRate < 1)) {
    throw new UsageError(`--anomaly-rate must be between 0 and 1 (exclusive), got ${anomalyRate}`);
  }
  const model = await loadArtifact(path);
  if (model.features.join(",") !== FEATURES.join(",")) {
    throw new UsageError(
      `Model ${path} uses the features ${model.features.join(",")}; simulated data has ` +
        `${FEATURES.join(",")}: evaluate it with --csv`,
    );
  }
  const seed = numberSetting(values, io, {
    flag: "seed",
    fallback: (model.info.config.seed + 2) >>> 0,
    integer: true,
  });
  if (seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`--seed must be from 0 to 4294967295, got ${seed}`);
  }
  const readings = new Simulator({ seed, anomalyRate }).batch(size);
  matrix = toMatrix(readings);
  labels = readings.map((r) => r.anomaly);
  kinds = readings.map((r) => r.kind);
  dataText = `${size} simulated readings (seed ${seed}, ${percent(anomalyRate)} anomalies)`;
  return finish(model, { matrix, labels, kinds, dataText, path }, io);
}

interface Data {
  matrix: Float64Array;
  labels: boolean[];
  kinds: (AnomalyKind | null)[] | null;
  dataText: string;
  path: string;
}

function finish(model: Model, data: Data, io: CliIo): number {
  const { matrix, labels, kinds } = data;
  const nf = model.features.length;
  const scores = model.scoreMatrix(matrix);
  const forced = labels.map((_, r) =>
    hasSensorFault(matrix.subarray(r * nf, r * nf + nf), model.features)
  );
  const e = evaluateScores(scores, labels, { threshold: model.threshold, forced });
  const c = model.info.config;
  io.out(`Model ${data.path}: ${model.info.version}, features ${model.features.join(",")}`);
  io.out(
    `  contamination ${c.contamination}, ${c.nEstimators} trees, sample size ${c.sampleSize}, ` +
      `seed ${c.seed}; threshold ${model.threshold.toFixed(4)}`,
  );
  io.out(`Evaluation on ${data.dataText} (${e.positives} anomalies):`);
  for (const line of formatEvaluation(e)) io.out(line);
  if (kinds) {
    const rows = [["anomaly kind", "readings", "flagged", "recall"]];
    for (const kind of ANOMALY_KINDS) {
      let n = 0;
      let hit = 0;
      kinds.forEach((k, r) => {
        if (k !== kind) return;
        n++;
        if (scores[r] >= model.threshold || forced[r]) hit++;
      });
      rows.push([kind, `${n}`, `${hit}`, n === 0 ? "n/a" : fixed(hit / n)]);
    }
    io.out("  recall per anomaly kind:");
    for (const line of table(rows)) io.out(`    ${line}`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await runCli(main, { tool: "evaluate", args: Deno.args }));

/**
 * `deno task train`: train the isolation forest, write the model artifact and
 * print how well it finds labeled anomalies. A list of contamination values
 * sweeps the threshold instead (the workshop's thresholding exercise), and
 * `--csv` trains on your own data.
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
import { parseAlias, registerTrained } from "./_register.ts";
import { fixed, formatEvaluation, type Metrics, percent, table } from "./_report.ts";
import { evaluateScores } from "../detector/evaluation.ts";
import {
  DEFAULT_MODEL_CONFIG,
  EVALUATION_SET,
  type LabeledMatrix,
  type Model,
  simulatedSet,
  thresholdFor,
  trainModel,
  type TrainModelOptions,
  validateModelConfig,
} from "../detector/model.ts";
import { MODEL_SETTINGS, rangeText } from "../detector/model_config.ts";
import { hasSensorFault } from "../detector/reasons.ts";
import { FEATURES, type ModelConfig } from "../detector/types.ts";
import { writeArtifact } from "../model_store.ts";

/** The model flags' help lines, from the one definition of the settings. */
function modelFlagHelp(): string {
  return MODEL_SETTINGS.map((spec) => {
    const flag = `  --${spec.flag} ${spec.integer ? "N" : "X"}`.padEnd(25);
    const lines = [
      `${flag}${spec.description}`,
      `${" ".repeat(25)}(env ${spec.env}, default ${spec.default}; ${rangeText(spec)})`,
    ];
    if (spec.key === "contamination") {
      lines.push(
        `${" ".repeat(25)}A list such as 0.01,0.02,0.05,0.1,0.2 prints a sweep and writes nothing`,
      );
    }
    return lines.join("\n");
  }).join("\n");
}

const HELP = `Usage: deno task train [flags]

Train the isolation forest, write the model artifact and print precision,
recall, F1 and ROC AUC on labeled data. Flags override environment variables.

${modelFlagHelp()}
  --model-dir DIR        (env MODEL_DIR, default models)
  --model-name FILE      (env MODEL_NAME, default isolation_forest.json)
  --csv FILE             train on your own data (CSV with a header row)
  --features a,b,c       CSV feature columns (default voltage,current,frequency)
  --label COLUMN         CSV 0/1 label column: train on rows labeled 0,
                         evaluate on all rows
  --register             add the model to the registry in MODEL_DIR (versions/)
                         instead of writing MODEL_NAME; keeps the newest
                         MODEL_RETENTION versions (default 10) and every aliased one
  --alias NAME           with --register: point champion or challenger at it;
                         a running service follows within MODEL_POLL_S
  --help                 show this text`;

const FLAGS = {
  contamination: { type: "string" },
  "n-estimators": { type: "string" },
  "sample-size": { type: "string" },
  seed: { type: "string" },
  "training-size": { type: "string" },
  "model-dir": { type: "string" },
  "model-name": { type: "string" },
  csv: { type: "string" },
  features: { type: "string" },
  label: { type: "string" },
  register: { type: "boolean" },
  alias: { type: "string" },
  help: { type: "boolean" },
} as const;

type Values = Record<string, string | boolean | undefined>;

/** Contamination values from flag/env: one value, or a list for a sweep. */
function contaminations(values: Values, io: CliIo): number[] {
  const found = rawSetting(values, io, { flag: "contamination", env: "CONTAMINATION" });
  if (!found) return [DEFAULT_MODEL_CONFIG.contamination];
  const items = splitList(found.raw);
  if (items.length === 0) throw new UsageError(`${found.label} must not be empty`);
  return items.map((item) => {
    const value = Number(item);
    if (!Number.isFinite(value)) {
      throw new UsageError(`${found.label} must be a number or a list of numbers, got "${item}"`);
    }
    return value;
  });
}

/** The model config from flags and environment (ranges from `MODEL_SETTINGS`, shared with the server). */
function configFrom(values: Values, io: CliIo, contamination: number): ModelConfig {
  const config = { ...DEFAULT_MODEL_CONFIG, contamination };
  for (const spec of MODEL_SETTINGS) {
    if (spec.key === "contamination") continue;
    config[spec.key] = numberSetting(values, io, {
      flag: spec.flag,
      env: spec.env,
      fallback: spec.default,
      integer: spec.integer,
    });
  }
  return validateModelConfig(config);
}

/** Training data and evaluation set, from a CSV or the simulator. */
interface Plan {
  config: ModelConfig;
  options: TrainModelOptions;
  /** The training matrix (for sweeps). */
  training: Float64Array;
  features: readonly string[];
  /** What the data is, in words. */
  dataText: string;
  evaluation: LabeledMatrix | null;
  evaluationText: string;
}

async function csvPlan(values: Values, config: ModelConfig): Promise<Plan> {
  const path = values.csv as string;
  if (typeof values["training-size"] === "string") {
    throw new UsageError("--training-size does not apply with --csv: the CSV rows are the data");
  }
  const features = typeof values.features === "string" ? splitList(values.features) : [...FEATURES];
  if (features.length === 0) throw new UsageError("--features must name at least one column");
  const label = typeof values.label === "string" ? values.label : undefined;
  const text = await readInputFile(path, "CSV file");
  const data = csvColumns(parseCsv(text), { features, label });
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  const file = path.split("/").pop()!;
  const nf = features.length;

  let training = data.matrix;
  if (data.labels) {
    const normal = data.labels.flatMap((l, r) => (l ? [] : [r]));
    training = new Float64Array(normal.length * nf);
    normal.forEach((r, i) => training.set(data.matrix.subarray(r * nf, r * nf + nf), i * nf));
  }
  const rows = training.length / nf;
  if (rows < 2) {
    throw new UsageError(`CSV "${path}" has ${rows} training rows; at least 2 are needed`);
  }
  const trainedOn = data.labels ? `rows with ${label} = 0` : "all rows";
  const evaluation: LabeledMatrix | null = data.labels
    ? {
      matrix: data.matrix,
      labels: data.labels,
      description: { source: "csv", file, sha256, rows: data.rows, labelColumn: label },
    }
    : null;
  const sized = validateModelConfig({ ...config, trainingSize: rows });
  return {
    config: sized,
    options: {
      data: training,
      features,
      dataDescription: {
        source: "csv",
        file,
        sha256,
        rows,
        trainedOn,
        ...(label ? { labelColumn: label } : {}),
      },
      evaluation: evaluation ?? false,
    },
    training,
    features,
    dataText: `${rows} rows of ${file} (${trainedOn}; features ${features.join(",")})`,
    evaluation,
    evaluationText: evaluation
      ? `all ${data.rows} labeled rows of ${file} (normal rows were also training rows)`
      : "",
  };
}

function simulatorPlan(values: Values, config: ModelConfig): Plan {
  if (typeof values.features === "string" || typeof values.label === "string") {
    throw new UsageError("--features and --label apply only with --csv");
  }
  const evalSeed = (config.seed + EVALUATION_SET.seedOffset) >>> 0;
  const evaluation = simulatedSet({
    size: EVALUATION_SET.size,
    seed: evalSeed,
    anomalyRate: EVALUATION_SET.anomalyRate,
  });
  return {
    config,
    options: { evaluation },
    training: simulatedSet({ size: config.trainingSize, seed: config.seed }).matrix,
    features: FEATURES,
    dataText: `${config.trainingSize} simulated normal readings (seed ${config.seed})`,
    evaluation,
    evaluationText: `${EVALUATION_SET.size} labeled simulated readings (seed ${evalSeed}, ` +
      `${percent(EVALUATION_SET.anomalyRate)} anomalies)`,
  };
}

function forcedFaults(set: LabeledMatrix, features: readonly string[]): boolean[] {
  const nf = features.length;
  return set.labels.map((_, r) =>
    hasSensorFault(set.matrix.subarray(r * nf, r * nf + nf), features)
  );
}

function sweep(plan: Plan, values: number[], io: CliIo): void {
  // The forest does not depend on contamination, only the threshold does.
  const model = trainModel({ ...plan.config, contamination: values[0] }, plan.options);
  const sorted = model.scoreMatrix(plan.training).sort();
  const evalScores = plan.evaluation ? model.scoreMatrix(plan.evaluation.matrix) : null;
  const forced = plan.evaluation ? forcedFaults(plan.evaluation, plan.features) : undefined;
  io.out(
    `Contamination sweep: one forest (${plan.config.nEstimators} trees, seed ` +
      `${plan.config.seed}) trained on ${plan.dataText}.`,
  );
  io.out("The threshold is the (1 - contamination) quantile of the training scores.");
  const rows = [["contamination", "threshold", "flagged (training)", "precision", "recall", "F1"]];
  let auc: number | null = null;
  for (const c of values) {
    const threshold = thresholdFor(sorted, c);
    let flagged = 0;
    for (const s of sorted) if (s >= threshold) flagged++;
    const row = [`${c}`, threshold.toFixed(4), percent(flagged / sorted.length)];
    if (plan.evaluation && evalScores) {
      const e = evaluateScores(evalScores, plan.evaluation.labels, { threshold, forced });
      auc = e.rocAuc;
      row.push(fixed(e.precision), fixed(e.recall), fixed(e.f1));
    } else {
      row.push("n/a", "n/a", "n/a");
    }
    rows.push(row);
  }
  if (plan.evaluation) io.out(`Precision, recall and F1 on ${plan.evaluationText}:`);
  for (const line of table(rows)) io.out(`  ${line}`);
  if (auc !== null) {
    io.out(`ROC AUC ${fixed(auc)} for every row (it does not depend on the threshold).`);
  }
  io.out("Nothing written: run again with a single --contamination value to write the artifact.");
}

function report(model: Model, plan: Plan, ms: number, io: CliIo): void {
  const c = model.info.config;
  const training = model.info.training as {
    flaggedShare: number;
    evaluation: (Metrics & { data: unknown }) | null;
  };
  io.out(`Trained isolation forest ${model.info.version} in ${Math.round(ms)} ms`);
  io.out(`  data:      ${plan.dataText}`);
  io.out(
    `  config:    contamination ${c.contamination}, ${c.nEstimators} trees, sample size ` +
      `${c.sampleSize}, seed ${c.seed}, training size ${c.trainingSize}`,
  );
  io.out(
    `  threshold: ${model.threshold.toFixed(4)} (score >= threshold is an anomaly; flags ` +
      `${percent(training.flaggedShare)} of the training data)`,
  );
  if (training.evaluation) {
    io.out(`Evaluation on ${plan.evaluationText}:`);
    for (const line of formatEvaluation(training.evaluation)) io.out(line);
  } else {
    io.out("No labels, so no evaluation: pass --label COLUMN to measure precision and recall.");
  }
}

/** Run `train` with `args`; returns the exit code. */
export async function main(args: string[], io: CliIo = defaultIo): Promise<number> {
  const values = parseFlags(args, FLAGS);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const alias = typeof values.alias === "string" ? parseAlias(values.alias) : null;
  if (alias && !values.register) {
    throw new UsageError("--alias applies only with --register");
  }
  const retention = numberSetting(values, io, {
    flag: "retention",
    env: "MODEL_RETENTION",
    fallback: 10,
    integer: true,
  });
  if (retention < 1) throw new UsageError(`MODEL_RETENTION must be at least 1, got ${retention}`);
  const list = contaminations(values, io);
  // Validate every contamination value (and the rest of the config) up front.
  const configs = list.map((c) => configFrom(values, io, c));
  const plan = typeof values.csv === "string"
    ? await csvPlan(values, configs[0])
    : simulatorPlan(values, configs[0]);

  if (list.length > 1) {
    sweep(plan, list, io);
    return 0;
  }
  const started = performance.now();
  const model = trainModel(plan.config, {
    ...plan.options,
    source: "trained by deno task train",
  });
  report(model, plan, performance.now() - started, io);

  const dir = rawSetting(values, io, { flag: "model-dir", env: "MODEL_DIR" })?.raw ?? "models";
  if (values.register) {
    await registerTrained(model, { dir, alias, retention, io });
    return 0;
  }
  const name = rawSetting(values, io, { flag: "model-name", env: "MODEL_NAME" })?.raw ??
    "isolation_forest.json";
  if (name.includes("/")) throw new UsageError(`--model-name must be a file name, got "${name}"`);
  const path = await writeArtifact(model, { dir, name });
  io.out(`Wrote ${path} (${model.contentHash})`);
  if (plan.features !== FEATURES) {
    io.out(
      "Note: the service reads voltage,current,frequency; it serves this artifact only when " +
        "its features and config match.",
    );
  }
  return 0;
}

if (import.meta.main) Deno.exit(await runCli(main, { tool: "train", args: Deno.args }));

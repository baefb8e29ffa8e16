/**
 * `deno task train`: train the isolation forest, write the model artifact and
 * print how well it finds labeled anomalies. A list of contamination values
 * sweeps the threshold instead (the workshop's thresholding exercise), and
 * `--csv` trains on your own data.
 */
import {
  type CliIo,
  DEFAULT_MODEL_NAMES,
  defaultIo,
  type FlagSpec,
  MODEL_PLACE_FLAGS,
  modelPlace,
  modelPlaceHelp,
  numberSetting,
  parseFlags,
  rawSetting,
  runCli,
  splitList,
  stringList,
  UsageError,
} from "./_common.ts";
import { DATA_FLAGS, DATA_HELP, type DataFlags, dataFlags } from "./_data_flags.ts";
import { trainOnCsv } from "./_train_csv.ts";
import { reportCsv, type TrainedCsv } from "./_byod_report.ts";
import { thresholdText } from "./_byod_text.ts";
import { evaluateFiles, scoreFile } from "./_byod.ts";
import { expandPaths } from "./_dataset.ts";
import { evaluationRecord, parseAlias, registerTrained } from "./_register.ts";
import { loadLabelDataset } from "./_labels.ts";
import type { AliasName } from "../../backend/store/registry/mod.ts";
import { fixed, formatEvaluation, type Metrics, percent, table } from "./_report.ts";
import {
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TEMPORAL_CONFIG,
  defaultGridMap,
  evaluateScores,
  EVALUATION_SET,
  FEATURES,
  type LabeledMatrix,
  Model,
  MODEL_SETTINGS,
  type ModelConfig,
  parseGridSpec,
  simulatedSet,
  thresholdFor,
  trainModel,
  type TrainModelOptions,
  validateModelConfig,
  WINDOW_RANGE,
} from "../../backend/detector/mod.ts";
import { RANGES } from "../../backend/config.ts";
import { describeRange } from "../../lib/ranges.ts";
import { trainOnFleet } from "./_train_fleet.ts";
import { trainPerFile } from "./_per_file.ts";
import { writeArtifact } from "../../backend/store/model_store.ts";

/** The model flags' help lines, from the one definition of the settings. */
function modelFlagHelp(): string {
  return MODEL_SETTINGS.map((spec) => {
    const flag = `  --${spec.flag} ${spec.integer ? "N" : "X"}`.padEnd(25);
    const lines = [
      `${flag}${spec.description}`,
      `${" ".repeat(25)}(env ${spec.env}, default ${spec.default}; ${describeRange(spec)})`,
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

Train a detector, write its artifact and print precision, recall, F1, ROC AUC
(and more) on labeled data. Without --csv: the workshop's isolation forest on
simulated readings. Flags override environment variables.

${modelFlagHelp()}
${modelPlaceHelp(true)}
${DATA_HELP}
  --detector KIND        point (isolation forest, default) or temporal (per-meter
                         windows of consecutive readings, docs/DETECTOR.md); without
                         --csv, temporal trains on a simulated fleet's normal day and
                         evaluates on the next day with temporal events
  --window N             temporal: readings per window (default ${DEFAULT_TEMPORAL_CONFIG.window})
  --grid MAP             which columns are grid quantities, e.g. u=voltage,i=current
                         or voltage,frequency; grid rules (EN 50160 bands, sensor
                         plausibility) apply only to those. Default: none
  Without --train-rows, training uses the rows labeled 0 (all rows without
  --label) and evaluation all labeled rows, in sample. The threshold is the
  (1 - contamination) quantile of the training rows' scores (temporal default
  contamination ${DEFAULT_TEMPORAL_CONFIG.contamination}).
  --per-file             with --csv: each file is a run of its own; fit one model
                         per file on its training rows, score its other rows, and
                         report them pooled (writes no artifact). Default: one
                         model over all files (pooled training), which is what
                         you serve; see docs/DETECTOR.md for when to use which
  --register             add the model (either detector) to the registry in
                         MODEL_DIR (versions/) instead of writing MODEL_NAME;
                         keeps the newest MODEL_RETENTION versions (default 10)
                         and every one an alias names or named
  --alias NAME           with --register: point champion or challenger at it;
                         a running service follows within MODEL_POLL_S
  --labels FILE          train and evaluate on the operators' labels in the label
                         store (LABELS_DB, default MODEL_DIR/labels.db), oldest
                         first: fits on the labels 0 (with --train-rows N, of the
                         first N labels) and evaluates on the rest; --features
                         picks which labels (default: the service's readings)
  With --register the held-out evaluation is stored in the version's metadata
  (GET /models and the UI show it).
  --help                 show this text`;

const FLAGS: FlagSpec = {
  // One string flag per model setting, named by the settings' one definition.
  ...Object.fromEntries(MODEL_SETTINGS.map((spec) => [spec.flag, { type: "string" }] as const)),
  ...MODEL_PLACE_FLAGS,
  ...DATA_FLAGS,
  detector: { type: "string" },
  window: { type: "string" },
  grid: { type: "string" },
  register: { type: "boolean" },
  alias: { type: "string" },
  labels: { type: "string" },
  "per-file": { type: "boolean" },
  help: { type: "boolean" },
};

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

function simulatorPlan(config: ModelConfig): Plan {
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

function sweep(plan: Plan, values: number[], io: CliIo): void {
  // The forest does not depend on contamination, only the threshold does.
  const model = trainModel({ ...plan.config, contamination: values[0] }, plan.options);
  const sorted = model.scoreMatrix(plan.training).sort();
  const evalScores = plan.evaluation ? model.scoreMatrix(plan.evaluation.matrix) : null;
  // Flagged as the service flags them: the score, or one of the model's rules.
  const forced = plan.evaluation ? model.ruleFlags(plan.evaluation.matrix) : undefined;
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

/** What `--register`, `--alias` and `MODEL_RETENTION` asked for. */
interface Registration {
  register: boolean;
  alias: AliasName | null;
  retention: number;
}

/** The artifact's directory and file name from flags and environment. */
function artifactPlace(values: Values, io: CliIo, fallbackName: string) {
  const { dir, name } = modelPlace(values, io, fallbackName);
  if (name.includes("/")) throw new UsageError(`--model-name must be a file name, got "${name}"`);
  return { dir, name };
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
    range: RANGES.MODEL_RETENTION,
  });
  const registration: Registration = { alias, retention, register: values.register === true };
  if (typeof values.labels === "string") {
    if (stringList(values, "csv").length > 0) {
      throw new UsageError("--labels and --csv are two sources of data: give one");
    }
    for (const flag of ["label", "meter", "time"]) {
      if (typeof values[flag] === "string") {
        throw new UsageError(`--${flag} does not apply with --labels: a label row has its label`);
      }
    }
    if (values.labels.trim() === "") throw new UsageError("--labels must name a file");
    return await trainCsv(values, io, registration, values.labels.trim());
  }
  if (stringList(values, "csv").length > 0) return await trainCsv(values, io, registration);
  if (values["per-file"]) throw new UsageError("--per-file applies only with --csv");
  if (typeof values.features === "string" || typeof values.label === "string") {
    throw new UsageError("--features and --label apply only with --csv");
  }
  if (values.detector === "temporal") return await trainFleetCli(values, io, registration);
  if (values.detector !== undefined && values.detector !== "point") {
    throw new UsageError(`--detector must be point or temporal, got "${values.detector}"`);
  }
  for (const flag of ["window", "grid", "json"]) {
    if (values[flag] !== undefined) {
      throw new UsageError(`--${flag} applies only with --csv or --detector temporal`);
    }
  }
  dataFlags(values, io);
  const list = contaminations(values, io);
  // Validate every contamination value (and the rest of the config) up front.
  const configs = list.map((c) => configFrom(values, io, c));
  const plan = simulatorPlan(configs[0]);

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
  if (registration.register) {
    const { dir } = modelPlace(values, io, DEFAULT_MODEL_NAMES.point);
    await registerTrained(model, { dir, alias, retention, io });
    return 0;
  }
  const path = await writeArtifact(model, artifactPlace(values, io, DEFAULT_MODEL_NAMES.point));
  io.out(`Wrote ${path} (${model.contentHash})`);
  return 0;
}

/** The temporal window length from `--window` (default 8); throws UsageError outside 2..256. */
function windowFrom(values: Values, io: CliIo): number {
  const window = numberSetting(values, io, {
    flag: "window",
    fallback: DEFAULT_TEMPORAL_CONFIG.window,
    range: WINDOW_RANGE,
  });
  return window;
}

/** `train --detector temporal` on the simulated fleet (no --csv). */
async function trainFleetCli(
  values: Values,
  io: CliIo,
  registration: Registration,
): Promise<number> {
  for (const flag of ["grid", "train-rows", "target-far", "meter", "time", "training-size"]) {
    if (typeof values[flag] === "string") {
      throw new UsageError(`--${flag} applies only with --csv`);
    }
  }
  const list = contaminations(values, io);
  if (list.length > 1) {
    throw new UsageError("A contamination sweep works with the point detector and text output");
  }
  const config = configFrom(values, io, list[0]);
  const given = rawSetting(values, io, { flag: "contamination", env: "CONTAMINATION" });
  const quantile = given ? list[0] : DEFAULT_TEMPORAL_CONFIG.contamination;
  const window = windowFrom(values, io);
  const rule = `contamination ${quantile}: the ${
    1 - quantile
  } quantile of the training rows' scores`;
  const trained = trainOnFleet(config.seed, {
    features: [...FEATURES],
    detector: "temporal",
    config,
    quantile,
    window,
    grid: defaultGridMap(FEATURES),
  });
  const data: DataFlags = {
    paths: [],
    features: [...FEATURES],
    trainRows: null,
    targetFar: null,
    json: values.json === true,
    ...(typeof values.scores === "string" ? { scores: values.scores } : {}),
    ...(typeof values.report === "string" ? { report: values.report } : {}),
  };
  if (!data.json) {
    io.out(
      `Trained temporal window model ${trained.model.info.version} in ${Math.round(trained.ms)} ms`,
    );
    io.out(`  data:      ${trained.dataText}`);
    io.out(`  config:    window ${window} readings per meter`);
    io.out(thresholdText(trained.model, rule));
  }
  if (registration.register) {
    const { dir } = artifactPlace(values, io, DEFAULT_MODEL_NAMES.temporal);
    await reportCsv(trained, { data, rule, artifact: null, tool: "train" }, io);
    await registerTrained(trained.model, { ...registration, dir, io });
    return 0;
  }
  const place = artifactPlace(values, io, DEFAULT_MODEL_NAMES.temporal);
  const path = await writeArtifact(trained.model, place);
  await reportCsv(trained, { data, rule, artifact: path, tool: "train" }, io);
  if (!data.json) {
    io.out(`Wrote ${path} (${trained.model.contentHash})`);
    io.out(`Serve it: MODEL_NAME=${place.name} deno task backend`);
  }
  return 0;
}

/** `train --csv`: own data, either detector, the first-N-rows protocol. */
async function trainCsv(
  values: Values,
  io: CliIo,
  registration: Registration,
  labelsPath?: string,
): Promise<number> {
  // The label store reads as one labeled file whose rows are the labels, oldest first.
  const data: DataFlags = dataFlags(
    labelsPath ? { ...values, csv: labelsPath } : values,
    io,
  );
  let labeled: Awaited<ReturnType<typeof loadLabelDataset>> | null = null;
  if (labelsPath) {
    labeled = await loadLabelDataset(labelsPath, data.features ?? [...FEATURES]);
    data.paths = [labelsPath];
    data.label = "anomaly";
    data.features = labeled.features;
  } else {
    data.paths = await expandPaths(data.paths);
  }
  if (typeof values["training-size"] === "string") {
    throw new UsageError("--training-size does not apply with --csv: the CSV rows are the data");
  }
  const detector = values.detector ?? "point";
  if (detector !== "point" && detector !== "temporal") {
    throw new UsageError(`--detector must be point or temporal, got "${detector}"`);
  }
  if (detector === "point" && typeof values.window === "string") {
    throw new UsageError("--window applies only with --detector temporal");
  }
  const features = data.features ?? [...FEATURES];
  const grid = parseGridSpec(typeof values.grid === "string" ? values.grid : "", features);
  const contaminationGiven = rawSetting(values, io, {
    flag: "contamination",
    env: "CONTAMINATION",
  });
  if (data.targetFar !== null && typeof values.contamination === "string") {
    throw new UsageError("--contamination and --target-far both set the threshold: give one");
  }
  const list = contaminations(values, io);
  const configs = list.map((c) => configFrom(values, io, c));
  if (list.length > 1 && (detector !== "point" || data.targetFar !== null || data.json)) {
    throw new UsageError("A contamination sweep works with the point detector and text output");
  }
  const window = detector === "temporal" ? windowFrom(values, io) : DEFAULT_TEMPORAL_CONFIG.window;
  const quantile = data.targetFar ??
    (detector === "temporal" && !contaminationGiven
      ? DEFAULT_TEMPORAL_CONFIG.contamination
      : list[0]);
  const rule = data.targetFar !== null
    ? `target FAR ${data.targetFar}: the ${
      1 - data.targetFar
    } quantile of the training rows' scores`
    : `contamination ${quantile}: the ${1 - quantile} quantile of the training rows' scores`;
  if (values["per-file"]) {
    if (registration.register) {
      throw new UsageError("--per-file trains one model per file and registers none: drop one");
    }
    if (list.length > 1) {
      throw new UsageError("A contamination sweep does not work with --per-file");
    }
    const fit = { features, detector, config: configs[0], quantile, window, grid } as const;
    return await trainPerFile(data, fit, { data, rule }, io);
  }
  const trained = await trainOnCsv({
    data,
    features,
    detector,
    config: configs[0],
    quantile,
    rule,
    window,
    grid,
    ...(labeled ? { datasets: [labeled.dataset] } : {}),
  });
  if (list.length > 1) {
    sweepCsv(trained, list, io);
    return 0;
  }
  const { model } = trained;
  if (!data.json) {
    const kind = detector === "point" ? "isolation forest" : "temporal window model";
    io.out(`Trained ${kind} ${model.info.version} in ${Math.round(trained.ms)} ms`);
    io.out(`  data:      ${trained.dataText}`);
    io.out(
      detector === "point"
        ? `  config:    ${configs[0].nEstimators} trees, sample size ${configs[0].sampleSize}, ` +
          `seed ${configs[0].seed}`
        : `  config:    window ${window} readings per meter`,
    );
    io.out(thresholdText(model, rule));
    const gridText = Object.entries(grid).map(([f, q]) => `${f}=${q}`).join(",");
    io.out(
      `  grid:      ${
        gridText || "no column is a grid quantity (--grid names them), so no grid rules"
      }`,
    );
  }
  if (registration.register) {
    const dir = artifactPlace(values, io, DEFAULT_MODEL_NAMES[detector]).dir;
    const evaluation = await reportCsv(trained, { data, rule, artifact: null, tool: "train" }, io);
    await registerTrained(model, {
      ...registration,
      dir,
      io,
      evaluation: evaluationRecord(evaluation, trained.evaluationText),
    });
    return 0;
  }
  const place = artifactPlace(values, io, DEFAULT_MODEL_NAMES[detector]);
  const path = await writeArtifact(model, place);
  await reportCsv(trained, { data, rule, artifact: path, tool: "train" }, io);
  if (!data.json) io.out(`Wrote ${path} (${model.contentHash})`);
  return 0;
}

/** One forest, a threshold per contamination value, evaluated on the evaluation rows. */
function sweepCsv(trained: TrainedCsv, list: number[], io: CliIo): void {
  const { model, datasets, splits } = trained;
  const scored = datasets.map((ds, i) => scoreFile(model, ds, splits[i]));
  const fitScores = scored.flatMap((f) => f.split.fit.map((r) => f.scores[r])).sort((a, b) =>
    a - b
  );
  io.out(`Contamination sweep: one forest trained on ${trained.dataText}.`);
  io.out("The threshold is the (1 - contamination) quantile of the training scores.");
  const rows = [["contamination", "threshold", "flagged (training)", "precision", "recall", "F1"]];
  let auc: number | null = null;
  for (const c of list) {
    const threshold = thresholdFor(fitScores, c);
    const flagged = fitScores.filter((s) => s >= threshold).length;
    const m = evaluateFiles(scored, threshold).pooled.model;
    if (m) auc = m.roc_auc;
    rows.push([
      `${c}`,
      threshold.toFixed(4),
      percent(flagged / fitScores.length),
      fixed(m?.precision),
      fixed(m?.recall),
      fixed(m?.f1),
    ]);
  }
  io.out(`Precision, recall and F1 on ${trained.evaluationText}:`);
  for (const line of table(rows)) io.out(`  ${line}`);
  if (auc !== null) {
    io.out(`ROC AUC ${fixed(auc)} for every row (it does not depend on the threshold).`);
  }
  io.out("Nothing written: run again with a single --contamination value to write the artifact.");
}

if (import.meta.main) Deno.exit(await runCli(main, { tool: "train", args: Deno.args }));

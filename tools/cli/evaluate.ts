/**
 * `deno task evaluate`: measure a written model artifact on labeled data,
 * your own CSV or a fresh simulated set: precision, recall, F1, ROC AUC and
 * the confusion matrix (and, on simulated data, recall per anomaly kind).
 */
import {
  type CliIo,
  DEFAULT_MODEL_NAMES,
  defaultIo,
  MODEL_PLACE_FLAGS,
  modelPlace,
  modelPlaceHelp,
  numberSetting,
  parseFlags,
  runCli,
  stringList,
  UsageError,
} from "./_common.ts";
import { DATA_FLAGS, DATA_HELP, type DataFlags, dataFlags } from "./_data_flags.ts";
import { type Dataset, expandPaths, loadDataFlagFiles, splitRows } from "./_dataset.ts";
import { loadLabelDataset } from "./_labels.ts";
import { parseAlias } from "./_register.ts";
import { ModelRegistry, VersionNotFoundError } from "../../backend/store/registry/mod.ts";
import { shortVersion } from "../../backend/store/registry/mod.ts";
import { scoreFile } from "./_byod.ts";
import { reportCsv } from "./_byod_report.ts";
import { fixed, formatEvaluation, percent, table } from "./_report.ts";
import {
  type AnyModel,
  evaluateScores,
  FEATURES,
  Model,
  parseAnyArtifact,
  quantile,
  simulatedDay,
  toMatrix,
} from "../../backend/detector/mod.ts";
import { ANOMALY_KINDS, type AnomalyKind } from "../../lib/simulator/simulator.ts";

const HELP = `Usage: deno task evaluate [flags]

Evaluate a model artifact (isolation forest or temporal) on labeled data:
precision, recall, F1, ROC AUC, PR AUC, false- and missed-alarm rates, the
confusion matrix, and event recall and detection delay where labels form
events. Grid-rule flags are reported apart from the model's.

${modelPlaceHelp(false)}
  --alias NAME           evaluate the registry version champion or challenger
                         names (MODEL_DIR/aliases), instead of MODEL_NAME
  --version REF          evaluate a registry version: sha256:... or a unique
                         prefix of at least 12 hex digits (GET /models lists them)
  --labels FILE          evaluate on the operators' labels in the label store
                         (LABELS_DB, default MODEL_DIR/labels.db) instead of --csv
${DATA_HELP}
  --threshold X          use this threshold instead of the model's
  With --csv, --label is required and --features defaults to the model's
  feature names. With --train-rows N the first N rows of each file are skipped
  (they were training rows), and --target-far chooses the threshold on them.
  Without --csv, a fresh labeled simulated set (isolation forest only):
  --size N               readings (default 10000)
  --anomaly-rate R       share of anomalies (default 0.05)
  --seed N               simulator seed (default: the model's seed + 2, unseen in training)
  --help                 show this text`;

const FLAGS = {
  ...MODEL_PLACE_FLAGS,
  ...DATA_FLAGS,
  alias: { type: "string" },
  version: { type: "string" },
  labels: { type: "string" },
  threshold: { type: "string" },
  size: { type: "string" },
  "anomaly-rate": { type: "string" },
  seed: { type: "string" },
  help: { type: "boolean" },
} as const;

/** The registry version `--alias` or `--version` names: its artifact text and how to call it. */
async function registryArtifact(
  dir: string,
  ref: { alias?: string; version?: string },
): Promise<{ text: string; path: string }> {
  const registry = new ModelRegistry(dir, { retention: 1 });
  let version: string;
  let named: string;
  if (ref.alias !== undefined) {
    const alias = parseAlias(ref.alias);
    const record = await registry.getAlias(alias);
    if (!record) {
      throw new UsageError(
        `The ${alias} alias is not set in ${registry.dir}/aliases: point it at a version first`,
      );
    }
    version = record.version;
    named = `${alias} (${shortVersion(version)})`;
  } else {
    try {
      version = await registry.resolve(ref.version);
    } catch (err) {
      if (err instanceof TypeError || err instanceof VersionNotFoundError) {
        throw new UsageError(`--version: ${err.message}`);
      }
      throw err;
    }
    named = shortVersion(version);
  }
  const text = await registry.readArtifact(version);
  if (text === null) {
    throw new UsageError(`Version ${shortVersion(version)} is not registered in ${registry.dir}`);
  }
  return { text, path: `registry version ${named}` };
}

async function loadArtifact(path: string, text?: string): Promise<AnyModel> {
  if (text !== undefined) {
    try {
      return parseAnyArtifact(text, { source: `loaded from ${path}` });
    } catch (err) {
      throw new UsageError(`The artifact of ${path} is unusable: ${(err as Error).message}`);
    }
  }
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UsageError(`No model artifact at ${path}: run "deno task train" first`);
    }
    throw new UsageError(`Cannot read model artifact ${path}: ${(err as Error).message}`);
  }
  try {
    return parseAnyArtifact(text, { source: `loaded from artifact ${path}` });
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
  const { dir, name } = modelPlace(values, io, DEFAULT_MODEL_NAMES.point);
  let path = dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
  let text: string | undefined;
  if (typeof values.alias === "string" || typeof values.version === "string") {
    if (typeof values.alias === "string" && typeof values.version === "string") {
      throw new UsageError("--alias and --version both name a version: give one");
    }
    if (typeof values["model-name"] === "string") {
      throw new UsageError("--model-name names a file; --alias and --version a registry version");
    }
    const found = await registryArtifact(dir, {
      ...(typeof values.alias === "string" ? { alias: values.alias } : {}),
      ...(typeof values.version === "string" ? { version: values.version } : {}),
    });
    path = found.path;
    text = found.text;
  }
  if (typeof values.labels === "string") {
    if (stringList(values, "csv").length > 0) {
      throw new UsageError("--labels and --csv are two sources of data: give one");
    }
    for (const flag of ["label", "meter", "time", "size", "anomaly-rate", "seed"]) {
      if (typeof values[flag] === "string") {
        throw new UsageError(`--${flag} does not apply with --labels`);
      }
    }
    const model = await loadArtifact(path, text);
    const data = dataFlags({ ...values, csv: values.labels }, io);
    const labeled = await loadLabelDataset(values.labels, data.features ?? [...model.features]);
    data.paths = [values.labels];
    data.label = "anomaly";
    data.features = labeled.features;
    return await evaluateCsv(model, data, { path, values, io, datasets: [labeled.dataset] });
  }

  if (stringList(values, "csv").length > 0) {
    for (const flag of ["size", "anomaly-rate", "seed"]) {
      if (typeof values[flag] === "string") {
        throw new UsageError(`--${flag} applies only to simulated data, not with --csv`);
      }
    }
    const data = dataFlags(values, io);
    data.paths = await expandPaths(data.paths);
    if (!data.label) {
      throw new UsageError(
        "--label is required with --csv: name the 0/1 column to evaluate against",
      );
    }
    return await evaluateCsv(await loadArtifact(path, text), data, { path, values, io });
  }
  if (typeof values.features === "string" || typeof values.label === "string") {
    throw new UsageError("--features and --label apply only with --csv");
  }
  const size = numberSetting(values, io, {
    flag: "size",
    fallback: 10_000,
    range: { min: 1, max: 10_000_000, integer: true },
  });
  const anomalyRate = numberSetting(values, io, {
    flag: "anomaly-rate",
    fallback: 0.05,
    range: { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  });
  for (const flag of ["json", "threshold"]) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} applies only with --csv`);
  }
  dataFlags(values, io);
  const loaded = await loadArtifact(path, text);
  if (!(loaded instanceof Model)) {
    throw new UsageError(
      `Model ${path} is a temporal model; evaluate it on your data with --csv (and --meter)`,
    );
  }
  const model = loaded;
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
  const readings = simulatedDay(size, seed, anomalyRate);
  const matrix = toMatrix(readings);
  const labels = readings.map((r) => r.anomaly);
  const kinds = readings.map((r) => r.kind);
  const dataText = `${size} simulated readings (seed ${seed}, ${percent(anomalyRate)} anomalies)`;
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
  const scores = model.scoreMatrix(matrix);
  // Flagged as the service flags them: the score, or one of the model's rules.
  const forced = model.ruleFlags(matrix);
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

/** `evaluate --csv`: a loaded model on own files, per file and pooled. */
async function evaluateCsv(
  model: AnyModel,
  data: DataFlags,
  context: {
    path: string;
    values: Record<string, string | boolean | undefined>;
    io: CliIo;
    /** Data already loaded (the label store), instead of reading `data.paths`. */
    datasets?: Dataset[];
  },
): Promise<number> {
  const { path, values, io } = context;
  const features = data.features ?? [...model.features];
  if (features.length !== model.features.length) {
    throw new UsageError(
      `--features must name ${model.features.length} columns for the model's features ` +
        `${model.features.join(",")}, got ${features.length}`,
    );
  }
  if (data.targetFar !== null && data.trainRows === null) {
    throw new UsageError(
      "--target-far needs --train-rows: the threshold is chosen on the training rows",
    );
  }
  let fixedThreshold: number | null = null;
  if (typeof values.threshold === "string") {
    if (data.targetFar !== null) {
      throw new UsageError("--threshold and --target-far both set the threshold: give one");
    }
    fixedThreshold = numberSetting(values, io, { flag: "threshold", fallback: 0 });
  }
  const datasets = context.datasets ?? await loadDataFlagFiles(data, features);
  const splits = datasets.map((ds) => splitRows(ds, data.trainRows));
  let threshold = fixedThreshold ?? model.threshold;
  let rule = fixedThreshold !== null ? `--threshold ${fixedThreshold}` : "the model's threshold";
  if (data.targetFar !== null) {
    const fit = datasets.flatMap((ds, i) => {
      const scores = scoreFile(model, ds, splits[i]).scores;
      return splits[i].fit.map((r) => scores[r]);
    }).sort((a, b) => a - b);
    if (fit.length < 2) {
      throw new UsageError(`Only ${fit.length} training rows labeled 0 to choose a threshold on`);
    }
    threshold = quantile(fit, 1 - data.targetFar);
    rule = `target FAR ${data.targetFar}: the ${1 - data.targetFar} quantile of the ` +
      `${fit.length} training rows' scores`;
  }
  const tested = splits.reduce((a, s) => a + s.test.length, 0);
  const names = datasets.length === 1 ? data.paths[0] : `${datasets.length} files`;
  const evaluationText = data.trainRows === null
    ? `${tested} labeled rows of ${names}`
    : `the ${tested} rows after the first ${data.trainRows} of ${
      datasets.length === 1 ? names : `each of ${names}`
    }`;
  if (!data.json) {
    io.out(
      `Model ${path}: ${model.info.version}, ${
        model instanceof Model ? "isolation forest" : "temporal window model"
      }, features ${model.features.join(",")}`,
    );
    io.out(`  threshold ${Number(threshold.toPrecision(4))} (${rule})`);
  }
  await reportCsv(
    { model, datasets, splits, ms: 0, dataText: "", evaluationText },
    { data, rule, artifact: path, tool: "evaluate", threshold },
    io,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await runCli(main, { tool: "evaluate", args: Deno.args }));

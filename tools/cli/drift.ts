/**
 * `deno task drift`: the drift report of a CSV of recent readings against the
 * champion's training sample (the tests the service runs on its window: KS
 * and PSI per feature, MMD over rows), or the live service's own report
 * (`--url`, `GET /models/drift/report`). Writes one self-contained HTML page.
 */
import {
  type CliIo,
  DEFAULT_MODEL_NAMES,
  MODEL_PLACE_FLAGS,
  modelPlace,
  modelPlaceHelp,
  parseFlags,
  readInputFile,
  runCli,
  UsageError,
} from "./_common.ts";
import { csvColumns, parseCsv } from "./_csv.ts";
import { DEFAULTS } from "../../backend/config.ts";
import { Model, parseAnyArtifact } from "../../backend/detector/mod.ts";
import { ModelRegistry, shortVersion } from "../../backend/store/registry/mod.ts";
import { DriftCheck } from "../../backend/mlops/drift_check.ts";
import { renderDriftReport } from "../../backend/mlops/drift_report.ts";

const HELP = `Usage: deno task drift (--csv FILE | --url URL) [--out FILE] [flags]

Test recent readings for drift against the champion's training sample and
write a self-contained HTML report (no script, no external request): per
feature the two-sample Kolmogorov-Smirnov test, PSI and a histogram of the
training sample against the readings; MMD over whole rows; the verdicts.

  --csv FILE             readings with a header naming the model's features
                         (other columns are ignored; at most 1,000,000 rows);
                         comma, semicolon or tab separated, as for train
  --url URL              instead: fetch the live service's report of its
                         window (GET URL/models/drift/report)
  --out FILE             where to write the report (default drift_report.html)
${modelPlaceHelp(false)}
                         The champion alias of MODEL_DIR is used when set,
                         else the artifact MODEL_DIR/MODEL_NAME.
  -h, --help             show this help

Thresholds: DRIFT_ALPHA (default ${DEFAULTS.DRIFT_ALPHA}, Bonferroni over the tests) and
DRIFT_MIN_KS (default ${DEFAULTS.DRIFT_MIN_KS}), as the service reads them.

Examples:
  deno task drift --csv recent.csv --out report.html
  deno task drift --url http://localhost:8000 --out report.html`;

const FLAGS = {
  csv: { type: "string" },
  url: { type: "string" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
  ...MODEL_PLACE_FLAGS,
} as const;

/** Most rows read from a CSV: the service's largest window. */
const MAX_ROWS = 1_000_000;

/** The champion (registry alias) or the artifact at MODEL_DIR/MODEL_NAME. */
async function loadChampion(dir: string, name: string): Promise<{ model: Model; where: string }> {
  const registry = new ModelRegistry(dir, { retention: 1 });
  const record = await registry.getAlias("champion").catch(() => null);
  let text: string | null = null;
  let where = "";
  if (record) {
    text = await registry.readArtifact(record.version);
    where = `champion ${shortVersion(record.version)}`;
  }
  if (text === null) {
    const path = `${dir.replace(/\/+$/, "")}/${name}`;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new UsageError(`No champion alias and no model artifact at ${path}: train first`);
      }
      throw new UsageError(`Cannot read model artifact ${path}: ${(err as Error).message}`);
    }
    where = path;
  }
  let model;
  try {
    model = parseAnyArtifact(text, { source: `loaded from ${where}` });
  } catch (err) {
    throw new UsageError(`The artifact of ${where} is unusable: ${(err as Error).message}`);
  }
  if (!(model instanceof Model)) {
    throw new UsageError(
      `The ${where} is a temporal model: drift tests cover the isolation forest`,
    );
  }
  return { model, where };
}

/** Rows of `text` as objects over `features`, each value a finite number. */
function readRows(text: string, file: string, features: readonly string[]) {
  const table = parseCsv(text);
  const missing = features.filter((f) => !table.header.includes(f));
  if (missing.length > 0) {
    throw new UsageError(
      `${file} has no column ${missing.join(", ")}: the model's features are ${features.join(",")}`,
    );
  }
  if (table.rows.length > MAX_ROWS) {
    throw new UsageError(`${file} has ${table.rows.length} rows; at most ${MAX_ROWS} are read`);
  }
  if (table.rows.length < 10) {
    throw new UsageError(`${file} has ${table.rows.length} rows; the tests need at least 10`);
  }
  // The same cell rules as train and evaluate (decimal commas with a semicolon or tab, one-line errors).
  let matrix: Float64Array;
  try {
    matrix = csvColumns(table, { features }).matrix;
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
  const nf = features.length;
  return table.rows.map((_, r) =>
    Object.fromEntries(features.map((f, i) => [f, matrix[r * nf + i]]))
  );
}

async function fromUrl(url: string): Promise<string> {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got "${url}"`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new UsageError(`--url must be an http(s) URL, got "${url}"`);
  }
  const target = `${url.replace(/\/+$/, "")}/models/drift/report`;
  let res: Response;
  try {
    res = await fetch(target, { signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new Error(`Cannot reach ${target}: ${(err as Error).message}`);
  }
  const body = await res.text();
  if (!res.ok) {
    let detail = body.slice(0, 200);
    try {
      detail = JSON.parse(body).detail ?? detail;
    } catch { /* not a problem document: the start of the body says it */ }
    throw new Error(`${target} answered ${res.status}: ${detail}`);
  }
  return body;
}

/** Run the tool; returns the exit code. */
export async function main(args: string[], io: CliIo): Promise<number> {
  const values = parseFlags(args, FLAGS);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const out = typeof values.out === "string" ? values.out : "drift_report.html";
  const csv = typeof values.csv === "string" ? values.csv : null;
  const url = typeof values.url === "string" ? values.url : null;
  if ((csv === null) === (url === null)) {
    throw new UsageError("Give either --csv FILE or --url URL (see --help)");
  }
  let html: string;
  let verdict: string;
  if (url !== null) {
    html = await fromUrl(url);
    verdict = /<h1>Drift report <span class="v [a-z_]+">([^<]+)<\/span>/.exec(html)?.[1] ??
      "see the report";
  } else {
    const { dir, name } = modelPlace(values, io, DEFAULT_MODEL_NAMES.point);
    const { model, where } = await loadChampion(dir, name);
    const rows = readRows(await readInputFile(csv!, "CSV file"), csv!, model.info.features);
    const number = (env: "DRIFT_ALPHA" | "DRIFT_MIN_KS") => {
      const raw = io.env(env);
      const value = raw === undefined || raw.trim() === "" ? DEFAULTS[env] : Number(raw);
      if (!(value > 0 && value <= (env === "DRIFT_ALPHA" ? 0.5 : 1))) {
        throw new UsageError(`${env} must be a number in (0, ${env === "DRIFT_ALPHA" ? 0.5 : 1}]`);
      }
      return value;
    };
    // One slice holding every row: a file has no arrival times, all of it is the window.
    const check = new DriftCheck(model.info.features, model.info.training, {
      capacity: rows.length,
      maxAgeSeconds: 86_400,
      minReadings: Math.min(DEFAULTS.DRIFT_MIN_READINGS, rows.length),
      alpha: number("DRIFT_ALPHA"),
      minStatistic: number("DRIFT_MIN_KS"),
      slices: 1,
      seed: 1,
      now: () => 0,
    });
    check.observe(rows);
    const summary = check.evaluate();
    html = renderDriftReport(summary, check.samples(), {
      source: `${csv} (${rows.length} rows)`,
      modelVersion: `${shortVersion(model.info.version)} (${where})`,
      generatedAt: new Date().toISOString(),
    });
    const drifted = Object.entries(summary.features).filter(([, f]) => f.verdict === "drift")
      .map(([f]) => f);
    if (summary.multivariate.verdict === "drift") drifted.push("all features together (MMD)");
    verdict = summary.verdict === "drift"
      ? `drift in ${drifted.join(", ")}`
      : summary.verdict.replace("_", " ");
  }
  try {
    await Deno.writeTextFile(out, html);
  } catch (err) {
    throw new UsageError(`Cannot write ${out}: ${(err as Error).message}`);
  }
  io.out(`Wrote ${out}: ${verdict}`);
  return 0;
}

if (import.meta.main) Deno.exit(await runCli(main, { tool: "drift", args: Deno.args }));

/**
 * `train --csv ... --per-file`: the per-run protocol. Each file is a run of
 * its own (a machine, a recording): one model per file, fitted on that file's
 * training rows with its own threshold, scores its remaining rows; the report
 * pools those rows over all files. Pooled training (the default) fits one
 * model on every file's training rows instead, which is what can be served.
 *
 * Scores of different models are put on one scale by dividing each file's
 * scores by its own threshold, so 1 is every file's threshold: per-file
 * flags are unchanged, and the pooled metrics, ROC AUC and PR AUC rank rows
 * by how far past their own model's threshold they are.
 */
import { type CliIo, UsageError } from "./_common.ts";
import { type DataFlags, shortNames } from "./_data_flags.ts";
import { loadDataFlagFiles, splitRows } from "./_dataset.ts";
import { type ScoredFile, scoreFile } from "./_byod.ts";
import { type ReportOptions, reportScored, untrainedMeters, type Warning } from "./_byod_report.ts";
import { fitDetector, type FitOptions } from "./_train_csv.ts";

/** Fit one model per file, score its evaluation rows, and report them pooled; writes no artifact. */
export async function trainPerFile(
  data: DataFlags,
  options: FitOptions,
  report: Omit<ReportOptions, "artifact" | "tool">,
  io: CliIo,
): Promise<number> {
  const datasets = await loadDataFlagFiles(data, options.features);
  const names = shortNames(datasets.map((ds) => ds.path));
  const scored: ScoredFile[] = [];
  const warnings: Warning[] = [];
  const thresholds: Record<string, number> = {};
  let ms = 0;
  datasets.forEach((ds, i) => {
    const split = splitRows(ds, data.trainRows);
    let fitted;
    try {
      fitted = fitDetector([ds], [split], options, { source: "csv", file: names[i] });
    } catch (err) {
      throw new UsageError(`${names[i]}: ${(err as Error).message}`);
    }
    ms += fitted.ms;
    const { model } = fitted;
    const file = scoreFile(model, ds, split);
    const gap = untrainedMeters(model, [file], model.threshold);
    if (gap) warnings.push({ ...gap, message: `${names[i]}: ${gap.message}` });
    thresholds[names[i]] = model.threshold;
    scored.push({ ...file, scores: file.scores.map((s) => s / model.threshold) });
  });
  const tested = scored.reduce((a, f) => a + f.split.test.length, 0);
  const evaluationText = data.trainRows === null
    ? `all ${tested} labeled rows of ${datasets.length} files, each scored by its own model ` +
      "(normal rows were also training rows)"
    : `the ${tested} rows after the first ${data.trainRows} of each of ${datasets.length} ` +
      "files, each scored by its own model";
  if (!data.json) {
    io.out(
      `Trained ${datasets.length} ${
        options.detector === "point" ? "isolation forests" : "temporal window models"
      }, one per file, in ${Math.round(ms)} ms (--per-file; scores divided by each file's ` +
        "threshold, so 1 is every file's threshold)",
    );
  }
  await reportScored(
    {
      scored,
      threshold: 1,
      model: {
        detector: options.detector,
        per_file: true,
        features: options.features,
        thresholds,
        threshold: 1,
        artifact: null,
      },
      title: `${options.detector} detector, one model per file: ${evaluationText}`,
      evaluationText,
      warnings,
      protocol: { per_file: true, scores: "divided by each file's own threshold" },
    },
    { ...report, artifact: null, tool: "train" },
    io,
  );
  if (!data.json) {
    io.out(
      "Nothing written: --per-file measures the protocol; train without it (or on one file) " +
        "to write an artifact to serve",
    );
  }
  return 0;
}

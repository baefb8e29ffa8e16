/**
 * Detector benchmark: our seeded isolation forest against the design card's
 * `ml-isolation-forest` (npm) on the same simulated data: ROC AUC and
 * precision/recall on the same labeled set, training time, scoring time per
 * reading, and how fast an artifact loads. Prints figures and ratios; run
 *
 *   deno run -A tools/bench/detector_bench.ts [--quick]
 *
 * `--quick` uses fewer repetitions (for a smoke run). Timings are medians.
 */
import { IsolationForest as MlIsolationForest } from "ml-isolation-forest";
import { benchArgs } from "./_args.ts";
import {
  DEFAULT_MODEL_CONFIG,
  evaluateScores,
  growForest,
  parseArtifact,
  quantile,
  serializeArtifact,
  simulatedSet,
  trainModel,
} from "../../backend/detector/mod.ts";
import { loadModel, writeArtifact } from "../../backend/store/model_store.ts";
import { print, silentLogger } from "../../lib/logger.ts";
import { EXTREME_READING, simulate, toReading } from "../../lib/simulator/simulator.ts";

interface MlForest {
  train(rows: number[][]): void;
  predict(rows: number[][]): number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return quantile(sorted, 0.5);
}

/** Median wall time of `fn` in milliseconds over `runs` runs, after one warm-up. */
function time(fn: () => void, runs: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

function rowsOf(matrix: Float64Array, nf = 3): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < matrix.length; i += nf) rows.push(Array.from(matrix.subarray(i, i + nf)));
  return rows;
}

function fmt(value: number, digits = 2): string {
  return value.toFixed(digits);
}

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")
  );
}

async function main(): Promise<void> {
  const values = benchArgs("detector_bench", Deno.args, { quick: { type: "boolean" } });
  const runs = values.quick ? 3 : 9;
  const mlRuns = values.quick ? 1 : 3;
  const config = DEFAULT_MODEL_CONFIG;

  print(
    `Detector benchmark (Deno ${Deno.version.deno}, V8 ${Deno.version.v8}, ` +
      `${navigator.hardwareConcurrency} CPUs)`,
  );
  print(`Config: ${JSON.stringify(config)}`);
  const train = simulatedSet({ size: config.trainingSize, seed: config.seed });
  const test = simulatedSet({ size: 10_000, seed: 4_242, anomalyRate: 0.05 });
  const trainRows = rowsOf(train.matrix);
  const testRows = rowsOf(test.matrix);
  print(
    `Training: ${config.trainingSize} simulated normal readings (seed ${config.seed}); ` +
      `test: 10000 labeled readings (seed 4242, 5 % anomalies)`,
  );
  print("");

  // --- ours ---------------------------------------------------------------
  const model = trainModel(config);
  const trainMs = time(() => trainModel(config), runs);
  const growMs = time(() =>
    growForest(train.matrix, {
      nFeatures: 3,
      nEstimators: config.nEstimators,
      sampleSize: config.sampleSize,
      seed: 1,
    }), runs);
  const ourScores = model.scoreMatrix(test.matrix);
  const ours = evaluateScores(ourScores, test.labels, { threshold: model.threshold });
  const out = new Float64Array(10_000);
  const batchMs = time(() => model.scoreMatrix(test.matrix, out), runs);
  const batch64 = test.matrix.subarray(0, 64 * 3);
  const out64 = new Float64Array(64);
  const batch64Ms = time(() => {
    for (let i = 0; i < 100; i++) model.scoreMatrix(batch64, out64);
  }, runs);
  const one = new Float64Array(3);
  const singleMs = time(() => {
    for (let r = 0; r < 2_000; r++) {
      one.set(test.matrix.subarray(r * 3, r * 3 + 3));
      model.forest.score(one);
    }
  }, runs);
  const readings64 = simulate(64, { seed: 9, anomalyRate: 0.05 }).map(toReading);
  readings64[0] = { ...EXTREME_READING };
  const predict64Ms = time(() => {
    for (let i = 0; i < 100; i++) model.predict(readings64);
  }, runs);

  // Larger samples: what closes the AUC gap (ml-isolation-forest uses the whole set).
  const variants = [1_024, config.trainingSize].map((sampleSize) => {
    const m = trainModel({ ...config, sampleSize });
    const e = evaluateScores(m.scoreMatrix(test.matrix), test.labels, { threshold: m.threshold });
    const ms = time(() => m.scoreMatrix(test.matrix, out), Math.min(runs, 3));
    return { sampleSize, e, scoreUs: (ms * 1000) / 10_000 };
  });

  // --- ml-isolation-forest -------------------------------------------------
  const ml: {
    trees: number;
    trainMs: number;
    scoreUs: number;
    auc: number[];
    e: ReturnType<typeof evaluateScores>;
  }[] = [];
  for (const trees of [100, 200]) {
    const aucs: number[] = [];
    const trainTimes: number[] = [];
    const scoreTimes: number[] = [];
    let last: ReturnType<typeof evaluateScores> | null = null;
    for (let run = 0; run < mlRuns; run++) {
      const forest = new MlIsolationForest({ nEstimators: trees }) as MlForest;
      let t0 = performance.now();
      forest.train(trainRows);
      trainTimes.push(performance.now() - t0);
      t0 = performance.now();
      const scores = forest.predict(testRows);
      scoreTimes.push(((performance.now() - t0) * 1000) / testRows.length);
      // Same thresholding rule as ours: the contamination quantile of training scores.
      const trainScores = forest.predict(trainRows).sort((a, b) => a - b);
      const threshold = quantile(trainScores, 1 - config.contamination);
      last = evaluateScores(scores, test.labels, { threshold });
      aucs.push(last.rocAuc);
    }
    ml.push({
      trees,
      trainMs: median(trainTimes),
      scoreUs: median(scoreTimes),
      auc: aucs,
      e: last!,
    });
  }

  // --- artifact ------------------------------------------------------------
  const text = serializeArtifact(model);
  const serializeMs = time(() => serializeArtifact(model), runs);
  const parseMs = time(() => parseArtifact(text), runs);
  const dir = await Deno.makeTempDir({ prefix: "detector_bench_" });
  let loadMs: number;
  try {
    await writeArtifact(model, { dir, name: "m.json" });
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const { source } = await loadModel({
        dir,
        name: "m.json",
        config,
        trainIfMissing: false,
        logger: silentLogger,
      });
      samples.push(performance.now() - t0);
      if (!source.startsWith("loaded")) throw new Error(`Expected a load, got "${source}"`);
    }
    loadMs = median(samples);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }

  const ourBatchUs = (batchMs * 1000) / 10_000;
  const ml200 = ml.find((m) => m.trees === 200)!;
  const ml100 = ml.find((m) => m.trees === 100)!;
  const aucText = (xs: number[]) =>
    xs.length === 1
      ? fmt(xs[0], 4)
      : `${fmt(median(xs), 4)} (${xs.map((x) => fmt(x, 4)).join(", ")})`;

  print("Quality on the same test set (threshold = contamination quantile of training scores):");
  for (
    const line of pad([
      ["detector", "ROC AUC", "precision", "recall", "F1"],
      [
        `ours (${config.nEstimators} trees, sample size ${config.sampleSize}, seed ${config.seed})`,
        fmt(ours.rocAuc, 4),
        fmt(ours.precision, 3),
        fmt(ours.recall, 3),
        fmt(ours.f1, 3),
      ],
      ...variants.map((v) => [
        `ours, sample size ${v.sampleSize} (${fmt(v.scoreUs)} µs/reading)`,
        fmt(v.e.rocAuc, 4),
        fmt(v.e.precision, 3),
        fmt(v.e.recall, 3),
        fmt(v.e.f1, 3),
      ]),
      ...ml.map((m) => [
        `ml-isolation-forest (${m.trees} trees, unseeded)`,
        aucText(m.auc),
        fmt(m.e.precision, 3),
        fmt(m.e.recall, 3),
        fmt(m.e.f1, 3),
      ]),
    ])
  ) print(`  ${line}`);
  print("");
  print("Speed (median):");
  for (
    const line of pad([
      ["measure", "ours", "ml-isolation-forest (200)", "ml (100)", "ratio (ml 200 / ours)"],
      [
        "training, ms",
        fmt(trainMs, 1),
        fmt(ml200.trainMs, 1),
        fmt(ml100.trainMs, 1),
        `${fmt(ml200.trainMs / trainMs, 1)}x`,
      ],
      [
        "scoring, µs/reading (10000 batch)",
        fmt(ourBatchUs),
        fmt(ml200.scoreUs, 1),
        fmt(ml100.scoreUs, 1),
        `${fmt(ml200.scoreUs / ourBatchUs, 0)}x`,
      ],
    ])
  ) print(`  ${line}`);
  print(
    `  ours: training = simulate + grow + threshold + held-out evaluation + hash; ` +
      `growing the forest alone ${fmt(growMs, 1)} ms`,
  );
  print(
    `  ours, scoring µs/reading: batch 64 ${fmt((batch64Ms * 1000) / 6_400)}, ` +
      `single reading ${fmt((singleMs * 1000) / 2_000)}, ` +
      `predict() with reasons at batch 64 ${fmt((predict64Ms * 1000) / 6_400)}`,
  );
  print("");
  print("Artifact:");
  print(
    `  size ${(text.length / 1024).toFixed(0)} KiB, ${model.parts.forest.feature.length} nodes; ` +
      `serialize ${fmt(serializeMs, 1)} ms, parse + validate + hash ${fmt(parseMs, 1)} ms, ` +
      `loadModel() from disk ${fmt(loadMs, 1)} ms`,
  );
}

if (import.meta.main) await main();

/**
 * Point forest against temporal detection on the fleet simulator's temporal
 * events. Prints, per detector: the false-alarm rate on normal readings,
 * event recall and median detection delay per kind, reading-level precision,
 * recall, ROC AUC and PR AUC, and scoring cost per reading. Two operating
 * points: the threshold chosen on training data (what a deployment does) and
 * the threshold that gives every detector the same false-alarm rate on the
 * test set (the fair comparison). Run
 *
 *   deno run -A tools/bench/temporal_bench.ts [--quick]
 */
import { benchArgs } from "./_args.ts";
import {
  averagePrecision,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TEMPORAL_CONFIG,
  detectEvents,
  type Detector,
  eventsFromLabels,
  fitTemporal,
  growForest,
  IsolationForest,
  previousInStream,
  quantile,
  rocAuc,
  STATS_PER_CHANNEL,
  type TemporalModel,
  toMatrix,
  trainModel,
  WindowScratch,
  windowStats,
} from "../../backend/detector/mod.ts";
import { type FleetReading, simulateFleet, TEMPORAL_KINDS } from "../../lib/simulator/fleet.ts";
import { print, silentLogger } from "../../lib/logger.ts";
import { createApp } from "../../backend/http/app.ts";
import { loadConfig } from "../../backend/config.ts";
import { createMetrics } from "../../backend/metrics/metrics.ts";
import { ServiceState } from "../../backend/predict/state.ts";

const FAR = 0.02;
/** A reading every 10 s: training covers one whole day, so the diurnal load is normal operation. */
const INTERVAL_MS = 10_000;
const DAY = 8640;

interface Scored {
  name: string;
  train: Float64Array;
  test: Float64Array;
  /** Scores on the point-anomaly set. */
  point?: Float64Array;
  /** Microseconds per reading, scoring the test set in batches of 64 rows. */
  usPerReading: number;
}

function timeBatches(rows: number, score: (from: number, to: number) => void): number {
  const runs: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    for (let i = 0; i < rows; i += 64) score(i, Math.min(rows, i + 64));
    runs.push(((performance.now() - t0) * 1000) / rows);
  }
  return runs.sort((a, b) => a - b)[1];
}

function pointForest(train: Float64Array, test: Float64Array, points: Float64Array): Scored {
  const forest = new IsolationForest(
    growForest(train, { nFeatures: 3, nEstimators: 200, sampleSize: 256, seed: 7 }),
  );
  const us = timeBatches(
    test.length / 3,
    (a, b) => forest.scoreMatrix(test.subarray(a * 3, b * 3)),
  );
  return {
    name: "point forest (200 trees)",
    train: forest.scoreMatrix(train),
    test: forest.scoreMatrix(test),
    point: forest.scoreMatrix(points),
    usPerReading: us,
  };
}

/** Mean of each reading's score and its meter's previous w - 1 scores. */
function smooth(scores: Float64Array, keys: string[], w: number): Float64Array {
  const prev = previousInStream(keys, scores.length);
  const out = new Float64Array(scores.length);
  for (let r = 0; r < scores.length; r++) {
    let sum = 0;
    let n = 0;
    for (let k = r; k !== -1 && n < w; k = prev[k]) {
      sum += scores[k];
      n++;
    }
    out[r] = sum / n;
  }
  return out;
}

/** Window statistics (full windows only at training) as forest features. */
function windowFeatures(model: TemporalModel, d: Data, w: number) {
  const { matrix, keys } = d;
  const { u } = model.standardize(matrix, keys, d.times);
  const rows = keys.length;
  const prev = previousInStream(keys, rows);
  const per = 3 * STATS_PER_CHANNEL;
  const out = new Float64Array(rows * per);
  const scratch = new WindowScratch(3);
  for (let r = 0; r < rows; r++) {
    windowStats(u, 3, prev, r, w, scratch);
    out.set(scratch.stats, r * per);
  }
  return out;
}

interface Data {
  readings: FleetReading[];
  matrix: Float64Array;
  keys: string[];
  /** Epoch ms per reading (the temporal model's daily cycle reads them). */
  times: Float64Array;
  labels: boolean[];
}

function data(readings: FleetReading[]): Data {
  return {
    readings,
    matrix: toMatrix(readings),
    keys: readings.map((r) => r.meter_id),
    times: Float64Array.from(readings, (r) => Date.parse(r.timestamp)),
    labels: readings.map((r) => r.anomaly),
  };
}

function fmt(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")
  );
}

function report(title: string, scored: Scored[], test: Data, pick: (s: Scored) => number): void {
  const events = eventsFromLabels(test.labels, test.keys);
  const kindOf = events.map((e) => test.readings[e.rows[0]].kind);
  // Normal readings with no anomaly among their meter's previous 32 readings.
  const prev = previousInStream(test.keys, test.labels.length);
  const away = test.labels.map((l, r) => {
    if (l) return false;
    let k = prev[r];
    for (let i = 0; i < 32 && k !== -1; i++, k = prev[k]) if (test.labels[k]) return false;
    return true;
  });
  const header = ["detector", "FAR", "FAR away", "precision", "recall", "ROC AUC", "PR AUC"];
  for (const kind of TEMPORAL_KINDS) header.push(kind);
  header.push("µs/reading");
  const rows = [header];
  for (const s of scored) {
    const threshold = pick(s);
    const flags = Array.from(s.test, (v) => v >= threshold);
    let tp = 0, fp = 0, tn = 0, fn = 0, fpAway = 0, nAway = 0;
    flags.forEach((f, i) => {
      if (test.labels[i]) f ? tp++ : fn++;
      else f ? fp++ : tn++;
      if (away[i]) {
        nAway++;
        if (f) fpAway++;
      }
    });
    const row = [
      s.name,
      `${fmt((100 * fp) / (fp + tn), 2)} %`,
      `${fmt((100 * fpAway) / nAway, 2)} %`,
      fmt(tp / (tp + fp)),
      fmt(tp / (tp + fn)),
      fmt(rocAuc(s.test, test.labels)),
      fmt(averagePrecision(s.test, test.labels)),
    ];
    for (const kind of TEMPORAL_KINDS) {
      const d = detectEvents(flags, events.filter((_, i) => kindOf[i] === kind));
      row.push(`${fmt(d.recall, 2)} / ${fmt(d.medianDelay, 0)}`);
    }
    row.push(fmt(s.usPerReading, 2));
    rows.push(row);
  }
  print(title);
  for (const line of pad(rows)) print(`  ${line}`);
  print("");
}

async function main(): Promise<void> {
  const values = benchArgs("temporal_bench", Deno.args, { quick: { type: "boolean" } });
  const METERS = values.quick ? 4 : 8;
  const trainPerMeter = DAY;
  const testPerMeter = values.quick ? DAY : 2 * DAY;
  const testStart = Date.UTC(2026, 0, 1) + trainPerMeter * INTERVAL_MS;
  const train = data(
    simulateFleet({
      seed: 42,
      meters: METERS,
      readingsPerMeter: trainPerMeter,
      intervalMs: INTERVAL_MS,
      kinds: [],
    }).readings,
  );
  const fleet = simulateFleet({
    seed: 4242,
    meterSeed: 42,
    meters: METERS,
    readingsPerMeter: testPerMeter,
    intervalMs: INTERVAL_MS,
    start: testStart,
  });
  const test = data(fleet.readings);
  const points = data(
    simulateFleet({
      seed: 4343,
      meterSeed: 42,
      meters: METERS,
      readingsPerMeter: DAY,
      intervalMs: INTERVAL_MS,
      start: testStart,
      kinds: [],
      pointAnomalyRate: 0.02,
    }).readings,
  );
  const counts = TEMPORAL_KINDS.map((k) =>
    `${k} ${fleet.events.filter((e) => e.kind === k).length}`
  );
  print(`Temporal benchmark (Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs)`);
  print(
    `Fleet of ${METERS} meters (meter seed 42), a reading every ${INTERVAL_MS / 1000} s. ` +
      `Training: one day, ${trainPerMeter} normal readings per meter (seed 42). ` +
      `Test: the next ${
        testPerMeter / DAY
      } day(s), ${testPerMeter} readings per meter (seed 4242) with ` +
      `${fleet.events.length} events (${counts.join(", ")}), ` +
      `${test.labels.filter((l) => !l).length} normal readings.`,
  );
  print("Per kind: event recall / median detection delay in readings.");
  print("");

  const scored: Scored[] = [];
  let served: TemporalModel | null = null;
  const point = pointForest(train.matrix, test.matrix, points.matrix);
  scored.push(point);
  for (const w of [8, 16]) {
    scored.push({
      name: `point forest, mean of ${w} scores`,
      train: smooth(point.train, train.keys, w),
      test: smooth(point.test, test.keys, w),
      point: smooth(point.point!, points.keys, w),
      usPerReading: point.usPerReading,
    });
  }
  for (const w of [4, 8, 16, 32]) {
    const t0 = performance.now();
    const model = fitTemporal(train.matrix, ["voltage", "current", "frequency"], {
      window: w,
      contamination: FAR,
    }, { meters: train.keys, times: train.times });
    const fitMs = performance.now() - t0;
    if (w === DEFAULT_TEMPORAL_CONFIG.window) served = model;
    const us = timeBatches(
      test.keys.length,
      (a, b) =>
        model.scoreRows(test.matrix.subarray(a * 3, b * 3), test.keys.slice(a, b), {
          times: test.times.subarray(a, b),
        }),
    );
    scored.push({
      name: `temporal window z, w=${w} (fit ${Math.round(fitMs)} ms)`,
      train: model.scoreRows(train.matrix, train.keys, { times: train.times }),
      test: model.scoreRows(test.matrix, test.keys, { times: test.times }),
      point: model.scoreRows(points.matrix, points.keys, { times: points.times }),
      usPerReading: us,
    });
    // The same model when each batch of 64 rows (8 per meter) arrives without earlier context.
    const chunked = new Float64Array(test.keys.length);
    for (let i = 0; i < test.keys.length; i += 64) {
      const end = Math.min(test.keys.length, i + 64);
      chunked.set(
        model.scoreRows(test.matrix.subarray(i * 3, end * 3), test.keys.slice(i, end), {
          times: test.times.subarray(i, end),
        }),
        i,
      );
    }
    scored.push({
      name: `  same, batches of 64 without context`,
      train: model.scoreRows(train.matrix, train.keys, { times: train.times }),
      test: chunked,
      usPerReading: us,
    });
    if (w === 8) {
      const per = 3 * STATS_PER_CHANNEL;
      const trainFeatures = windowFeatures(model, train, w);
      const forest = new IsolationForest(
        growForest(trainFeatures, { nFeatures: per, nEstimators: 200, sampleSize: 256, seed: 7 }),
      );
      const testFeatures = windowFeatures(model, test, w);
      scored.push({
        name: `forest on window statistics, w=${w}`,
        train: forest.scoreMatrix(trainFeatures),
        test: forest.scoreMatrix(testFeatures),
        usPerReading: NaN,
      });
    }
  }

  report(
    `Threshold chosen on training data (the ${1 - FAR} quantile of training scores):`,
    scored,
    test,
    (s) => quantile([...s.train].sort((a, b) => a - b), 1 - FAR),
  );
  const normal = (s: Scored) => [...s.test].filter((_, i) => !test.labels[i]).sort((a, b) => a - b);
  const equalFar = (s: Scored) => {
    // The smallest threshold that flags at most FAR of normal readings.
    const sorted = normal(s);
    const k = Math.floor(sorted.length * (1 - FAR));
    return sorted[Math.min(k, sorted.length - 1)] + 1e-12;
  };
  report(
    `Threshold at equal false-alarm rate: every detector flags ${FAR * 100} % of the test set's ` +
      "normal readings:",
    scored,
    test,
    equalFar,
  );
  const pointLabels = points.labels;
  print(
    `Point anomalies (the workshop's kinds, 2 % of ${pointLabels.length} readings, no events), ` +
      "recall at the equal-FAR thresholds above:",
  );
  const rows = [["detector", "recall", "FAR"]];
  for (const s of scored) {
    if (!s.point) continue;
    const threshold = equalFar(s);
    let tp = 0, fn = 0, fp = 0, tn = 0;
    s.point.forEach((v, i) => {
      if (pointLabels[i]) v >= threshold ? tp++ : fn++;
      else v >= threshold ? fp++ : tn++;
    });
    rows.push([s.name, fmt(tp / (tp + fn)), `${fmt((100 * fp) / (fp + tn), 2)} %`]);
  }
  for (const line of pad(rows)) print(`  ${line}`);
  print("");
  await servicePath(fleet.readings, served!, { quick: values.quick === true, meters: METERS });
}

/**
 * The service's request path in process (`app.request`, no sockets): JSON
 * parsing, validation, scoring and the response, at batch 64 (consecutive
 * readings of the fleet's meters), for the workshop forest and the temporal model.
 */
async function servicePath(
  readings: FleetReading[],
  temporal: Detector,
  options: { quick: boolean; meters: number },
) {
  const { quick, meters } = options;
  const forest = trainModel(DEFAULT_MODEL_CONFIG, { evaluation: false });
  const bodies: string[] = [];
  for (let i = 0; i + 64 <= Math.min(readings.length, 64 * 200); i += 64) {
    bodies.push(JSON.stringify({
      readings: readings.slice(i, i + 64).map((r) => ({
        voltage: r.voltage,
        current: r.current,
        frequency: r.frequency,
        timestamp: r.timestamp,
        meter_id: r.meter_id,
      })),
    }));
  }
  const requests = quick ? 2_000 : 10_000;
  const rate = async (detector: Detector) => {
    const state = new ServiceState();
    state.setReady(detector);
    const app = createApp({
      config: loadConfig({}),
      state,
      metrics: createMetrics(),
      logger: silentLogger,
      servedBy: "bench:1",
    });
    const send = async (k: number) => {
      const res = await app.request("/predict", {
        method: "POST",
        body: bodies[k % bodies.length],
        headers: { "content-type": "application/json" },
      });
      if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    for (let k = 0; k < 500; k++) await send(k);
    const runs: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      for (let k = 0; k < requests; k++) await send(k);
      runs.push(requests / ((performance.now() - t0) / 1000));
    }
    return runs.sort((a, b) => a - b)[1];
  };
  const pointRate = await rate(forest);
  const temporalRate = await rate(temporal);
  print(
    `Service request path in process (app.request, batch 64 = ${meters} meters x ` +
      `${64 / meters} readings, ` +
      `median of 3 x ${requests} requests):`,
  );
  const rows = [
    ["detector", "requests/s", "readings/s", "vs forest"],
    ["point forest (workshop model)", pointRate.toFixed(0), (pointRate * 64).toFixed(0), "1.00"],
    [
      `temporal window z, w=${DEFAULT_TEMPORAL_CONFIG.window}`,
      temporalRate.toFixed(0),
      (temporalRate * 64).toFixed(0),
      (temporalRate / pointRate).toFixed(2),
    ],
  ];
  for (const line of pad(rows)) print(`  ${line}`);
}

if (import.meta.main) {
  main().catch((err) => {
    print(`temporal bench failed: ${(err as Error).message}`);
    Deno.exit(1);
  });
}

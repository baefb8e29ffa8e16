import assert from "node:assert/strict";
import { fitDetector, type TrainCsvOptions, trainOnCsv } from "./_train_csv.ts";
import type { DataFlags } from "./_data_flags.ts";
import type { Dataset, Split } from "./_dataset.ts";
import { readingsCsv, withTempDir } from "./_testing.ts";
import { UsageError } from "./_common.ts";
import {
  DEFAULT_MODEL_CONFIG,
  FEATURES,
  Model,
  TemporalModel,
} from "../../backend/detector/mod.ts";
import { simulate } from "../../lib/simulator/simulator.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

const FOREST = { ...DEFAULT_MODEL_CONFIG, nEstimators: 10 };

/** Options for a point forest on `paths`, label column "y", contamination 0.05. */
function pointOptions(paths: string[], data: Partial<DataFlags> = {}): TrainCsvOptions {
  return {
    data: {
      paths,
      features: null,
      label: "y",
      trainRows: null,
      targetFar: null,
      json: false,
      ...data,
    },
    features: [...FEATURES],
    detector: "point",
    config: FOREST,
    quantile: 0.05,
    rule: "contamination 0.05",
    window: 8,
    grid: {},
  };
}

Deno.test("trainOnCsv() fits the forest on the rows labeled 0 and describes the data", async () => {
  await withTempDir(async (dir) => {
    const rows = simulate(500, { seed: 3, anomalyRate: 0.1 });
    await Deno.writeTextFile(`${dir}/a.csv`, readingsCsv(rows, { label: "y" }));
    const trained = await trainOnCsv(pointOptions([`${dir}/a.csv`]));
    const normal = rows.filter((r) => !r.anomaly).length;
    assert.ok(trained.model instanceof Model);
    assert.equal(trained.model.info.config.trainingSize, normal);
    assert.equal(trained.model.info.config.contamination, 0.05);
    assert.equal(trained.splits[0].fit.length, normal);
    const described = (trained.model.info.training as { data: Record<string, unknown> }).data;
    assert.equal(described.source, "csv");
    assert.equal(described.file, "a.csv");
    assert.match(String(described.sha256), /^[0-9a-f]{64}$/);
    assert.equal(described.rows, normal);
    assert.equal(described.trainedOn, "rows with y = 0");
    assert.equal(described.threshold, "contamination 0.05");
    assert.equal(described.labelColumn, "y");
    assert.equal(
      trained.dataText,
      `${normal} rows of a.csv (rows with y = 0; features voltage,current,frequency)`,
    );
    assert.equal(
      trained.evaluationText,
      "all 500 labeled rows of a.csv (normal rows were also training rows)",
    );
  });
});

Deno.test("trainOnCsv() with --train-rows fits on each file's first rows and lists the files", async () => {
  await withTempDir(async (dir) => {
    const paths = [`${dir}/a.csv`, `${dir}/b.csv`];
    for (const [i, path] of paths.entries()) {
      await Deno.writeTextFile(
        path,
        readingsCsv(simulate(300, { seed: 10 + i, anomalyRate: 0.1 }), { label: "y" }),
      );
    }
    const trained = await trainOnCsv(pointOptions(paths, { trainRows: 100 }));
    const fitRows = trained.splits.reduce((a, s) => a + s.fit.length, 0);
    assert.ok(trained.splits.every((s) => s.fit.every((r) => r < 100) && s.test[0] === 100));
    assert.ok(trained.model instanceof Model);
    assert.equal(trained.model.info.config.trainingSize, fitRows);
    const described = (trained.model.info.training as { data: Record<string, unknown> }).data;
    assert.equal(described.trainedOn, "the first 100 rows of each file, those with y = 0");
    assert.deepEqual(
      (described.files as { file: string; rows: number; train_rows: number }[]).map((
        f,
      ) => [f.file, f.rows, f.train_rows]),
      [["a.csv", 300, 100], ["b.csv", 300, 100]],
    );
    assert.equal(trained.evaluationText, "the 400 rows after the first 100 of each of 2 files");
  });
});

/** A dataset of a simulated fleet, meters as streams. */
function fleetFile(meters: number, perMeter: number): { ds: Dataset; split: Split } {
  const readings =
    simulateFleet({ seed: 5, meters, readingsPerMeter: perMeter, kinds: [] }).readings;
  const rows = readings.length;
  const all = Array.from({ length: rows }, (_, i) => i);
  return {
    ds: {
      path: "f.csv",
      sha256: "",
      data: {
        matrix: Float64Array.from(readings.flatMap((r) => [r.voltage, r.current, r.frequency])),
        labels: null,
        meters: readings.map((r) => r.meter_id),
        times: null,
        timeText: null,
        rows,
        lines: all.map((r) => r + 2),
      },
    },
    split: { trainRows: rows, fit: all, test: all },
  };
}

Deno.test("fitDetector() fits the temporal model on the rows' meter streams", () => {
  const { ds, split } = fleetFile(2, 200);
  const options = { ...pointOptions([]), detector: "temporal" as const, window: 4, quantile: 0.02 };
  const { model } = fitDetector([ds], [split], options, { source: "test" });
  assert.ok(model instanceof TemporalModel);
  assert.deepEqual(model.parts.config, { window: 4, contamination: 0.02 });
  assert.deepEqual(model.parts.meters.ids, ["meter-01", "meter-02"]);
  assert.deepEqual(model.parts.training.data, { source: "test" });
});

Deno.test("fitDetector() refuses too few training rows for the detector", () => {
  const { ds, split } = fleetFile(1, 15);
  const temporal = { ...pointOptions([]), detector: "temporal" as const, window: 8 };
  assert.throws(() => fitDetector([ds], [split], temporal, {}), (err: Error) => {
    assert.ok(err instanceof UsageError);
    assert.equal(err.message, "Only 15 training rows; the temporal detector needs at least 16");
    return true;
  });
  const labeled = { ...ds, data: { ...ds.data, labels: new Array(15).fill(false) } };
  assert.throws(
    () => fitDetector([labeled], [{ ...split, fit: [0] }], pointOptions([]), {}),
    /^UsageError: Only 1 training rows labeled 0; the point detector needs at least 2$/,
  );
});

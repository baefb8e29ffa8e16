import assert from "node:assert/strict";
import { reportCsv, svgOf, type TrainedCsv } from "./_byod_report.ts";
import { evaluateFiles, scoreFile } from "./_byod.ts";
import type { DataFlags } from "./_data_flags.ts";
import { type Split, splitRows } from "./_dataset.ts";
import { fleetDataset } from "./_train_fleet.ts";
import { captureIo, withTempDir } from "./_testing.ts";
import { DEFAULT_MODEL_CONFIG, trainModel } from "../../backend/detector/mod.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

const model = trainModel({ ...DEFAULT_MODEL_CONFIG, nEstimators: 20, trainingSize: 1_000 });
// One simulated meter's labeled stream as a file.
const readings = simulateFleet({ seed: 9, meters: 1, readingsPerMeter: 500 }).readings;
const ds = fleetDataset("a.csv", readings);
const trained: TrainedCsv = {
  model,
  datasets: [ds],
  splits: [splitRows(ds, 200)],
  ms: 12,
  dataText: "200 rows",
  evaluationText: "the 300 rows after the first 200 of a.csv",
};
const data: DataFlags = {
  paths: ["a.csv"],
  features: null,
  label: "y",
  trainRows: 200,
  targetFar: null,
  json: false,
};

Deno.test("reportCsv() prints one JSON document with model, protocol, pooled and per-file figures", async () => {
  const io = captureIo();
  await reportCsv(
    trained,
    { data: { ...data, json: true }, rule: "the model's", artifact: "m.json", tool: "evaluate" },
    io,
  );
  assert.equal(io.stdout.length, 1);
  const doc = JSON.parse(io.stdout[0]);
  assert.equal(doc.tool, "evaluate");
  assert.equal(doc.model.artifact, "m.json");
  assert.equal(doc.model.threshold, model.threshold);
  assert.deepEqual(doc.protocol, {
    train_rows: 200,
    label: "y",
    meter: null,
    time: null,
    threshold: "the model's",
    evaluated: trained.evaluationText,
  });
  const expected = evaluateFiles([scoreFile(model, ds, trained.splits[0])], model.threshold);
  assert.deepEqual(doc.pooled, JSON.parse(JSON.stringify(expected.pooled)));
  assert.equal(doc.files.length, 1);
  assert.equal(doc.pooled.rows, 300);
  assert.deepEqual(doc.outputs, { scores: null, report: null });
});

Deno.test("reportCsv() uses a threshold given at evaluate time instead of the model's", async () => {
  const io = captureIo();
  const options = {
    data: { ...data, json: true },
    rule: "x",
    artifact: null,
    tool: "evaluate" as const,
  };
  await reportCsv(trained, { ...options, threshold: 0 }, io);
  const doc = JSON.parse(io.stdout[0]);
  assert.equal(doc.model.threshold, 0);
  // At threshold 0 every evaluated row is flagged.
  assert.equal(doc.pooled.model_flags, 300);
});

Deno.test("reportCsv() writes the scores CSV and SVG report and says so in text mode", async () => {
  await withTempDir(async (dir) => {
    const io = captureIo();
    const files = { scores: `${dir}/s.csv`, report: `${dir}/r.svg` };
    await reportCsv(trained, {
      data: { ...data, ...files },
      rule: "r",
      artifact: null,
      tool: "train",
    }, io);
    const csv = (await Deno.readTextFile(files.scores)).trim().split("\n");
    assert.equal(csv.length, 1 + 500);
    assert.match(csv[1], /^a\.csv,0,2,meter-01,.*,train,/);
    assert.match(csv[201], /^a\.csv,200,202,meter-01,.*,test,/);
    const svg = await Deno.readTextFile(files.report);
    assert.match(svg, /^<svg /);
    assert.match(svg, new RegExp(`point detector ${model.info.version}: the 300 rows after`));
    assert.deepEqual(io.stdout.slice(-2), [
      `Wrote per-row scores to ${files.scores}`,
      `Wrote the SVG report to ${files.report}`,
    ]);
    assert.ok(io.stdout.some((line) => /precision/.test(line)), io.stdout.join("\n"));
  });
});

Deno.test("svgOf() marks the train/test boundary only where some rows were not evaluated", () => {
  const svg = (split: Split) => {
    const scored = [scoreFile(model, ds, split)];
    return svgOf(scored, evaluateFiles(scored, model.threshold), model.threshold, "t");
  };
  assert.equal(svg(trained.splits[0]).match(/class="split"/g)?.length, 1);
  const all = [...Array(500).keys()];
  // Evaluated in sample: every row was also a training row, so there is no boundary to draw.
  assert.doesNotMatch(svg({ trainRows: 500, fit: all, test: all }), /class="split"/);
});

/**
 * What `train --csv` promises a data scientist: awkward files get one clear
 * line or a named warning, `--target-far` says what it reached on held-out
 * rows, untrained meters are reported, and `--per-file` runs the per-run
 * protocol.
 */
import assert from "node:assert/strict";
import { main } from "./train.ts";
import { readingsCsv, runMain, withTempDir } from "./_testing.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { simulate } from "../../lib/simulator/simulator.ts";

const FOREST = ["--n-estimators", "20"];

async function write(dir: string, name: string, text: string): Promise<string> {
  await Deno.writeTextFile(`${dir}/${name}`, text);
  return `${dir}/${name}`;
}

Deno.test("train --csv reads a semicolon CSV with decimal commas", async () => {
  await withTempDir(async (dir) => {
    const text = readingsCsv(simulate(600, { seed: 2, anomalyRate: 0.05 }), { label: "y" })
      .replaceAll(",", ";").replace(/(\d)\.(\d)/g, "$1,$2");
    const csv = await write(dir, "export.csv", text);
    const io = await runMain(main, "train", [
      ...FOREST,
      "--csv",
      csv,
      "--label",
      "y",
      "--json",
      "--model-dir",
      dir,
    ]);
    const report = JSON.parse(io.stdout.join("\n"));
    assert.equal(report.pooled.rows, 600);
    assert.ok(report.pooled.model.recall > 0.5);
  });
});

Deno.test("train --csv gives one line, never a stack, for a header only, bad labels, NaN and empty cells", async () => {
  await withTempDir(async (dir) => {
    const cases: [string, string, RegExp][] = [
      [
        "header.csv",
        "voltage,current,frequency,y\n",
        /^train: CSV file has a header row but no data rows$/,
      ],
      [
        "labels.csv",
        "voltage,current,frequency,y\n230,10,50,0\n231,10,50,2\n",
        /^train: CSV line 3, column "y": label "2" must be 0 or 1 \(also 0\.0\/1\.0 or true\/false\)$/,
      ],
      [
        "nan.csv",
        "voltage,current,frequency,y\n230,NaN,50,0\n",
        /^train: CSV line 2, column "current": "NaN" is not a finite number$/,
      ],
      [
        "empty.csv",
        "voltage,current,frequency,y\n230,,50,0\n",
        /^train: CSV line 2, column "current": the cell is empty \(a missing value\); fill it in or drop the row$/,
      ],
      [
        "piped.csv",
        "voltage|current|frequency|y\n230|10|50|0\n",
        /^train: CSV has no feature column "voltage"; its columns are voltage\|current\|frequency\|y \(one column: fields must be separated by a comma, semicolon or tab\)$/,
      ],
    ];
    for (const [name, text, expected] of cases) {
      const csv = await write(dir, name, text);
      const io = await runMain(main, "train", ["--csv", csv, "--label", "y", "--model-dir", dir], {
        code: 2,
      });
      assert.equal(io.stderr.length, 1, name);
      assert.match(io.stderr[0], expected, name);
    }
    // Values whose squares overflow: one line naming the column (they once gave a NaN threshold,
    // and the precision-recall curve then looped until the heap ran out).
    const rows = Array.from({ length: 40 }, (_, i) => `${(1 + i % 7) * 1e200},10,50,0`);
    const huge = await write(dir, "huge.csv", `voltage,current,frequency,y\n${rows.join("\n")}\n`);
    const io = await runMain(main, "train", [
      ...["--csv", huge, "--label", "y", "--detector", "temporal", "--model-dir", dir],
    ], { code: 2 });
    assert.deepEqual(io.stderr, [
      'train: Feature "voltage" has training values up to 7.00e+200: their squares overflow ' +
      "(at most 1e+150 in magnitude); rescale it",
    ]);
  });
});

/** Three meters with plenty of rows and one (`m-tiny`) with 3, in one file. */
function fleetWithTinyMeter(): string {
  const { readings } = simulateFleet({
    seed: 4,
    meters: 3,
    readingsPerMeter: 700,
    normalPrefix: 400,
    meanGap: 100,
  });
  const tiny = readings.slice(0, 3).map((r) => ({ ...r, meter_id: "m-tiny" }));
  return readingsCsv([...tiny, ...readings], { meter: "meter", label: "y" });
}

Deno.test("train --csv names meters left without a baseline and how often they alarm", async () => {
  await withTempDir(async (dir) => {
    const csv = await write(dir, "fleet.csv", fleetWithTinyMeter());
    const io = await runMain(main, "train", [
      "--csv",
      csv,
      "--label",
      "y",
      "--meter",
      "meter",
      "--detector",
      "temporal",
      "--train-rows",
      "1200",
      "--json",
      "--model-dir",
      dir,
    ]);
    const warning = io.stderr.find((line) => line.includes("untrained_meters"));
    assert.ok(warning, io.stderr.join("\n"));
    assert.match(
      warning,
      /^train: warning \(untrained_meters\): 1 meter had fewer than 50 training rows and is scored against the pooled baseline of all training rows \(the fallback\): "m-tiny"; none of their rows is evaluated/,
    );
    const report = JSON.parse(io.stdout.join("\n"));
    assert.deepEqual(report.warnings.map((w: { code: string }) => w.code), ["untrained_meters"]);
  });
});

Deno.test("train --target-far reports the held-out FAR and warns when it is off by more than half", async () => {
  await withTempDir(async (dir) => {
    // Quiet training rows, then twice the noise: the threshold chosen on the first rows over-alarms.
    const rows = simulate(3000, { seed: 8, anomalyRate: 0 }).map((r, i) =>
      i < 1500
        ? r
        : { ...r, voltage: 230 + 2 * (r.voltage - 230), current: 10 + 2 * (r.current - 10) }
    );
    const csv = await write(dir, "drifting.csv", readingsCsv(rows, { label: "y" }));
    const args = [
      ...FOREST,
      "--csv",
      csv,
      "--label",
      "y",
      "--train-rows",
      "1500",
      "--target-far",
      "0.05",
      "--model-dir",
      dir,
    ];
    const text = await runMain(main, "train", args);
    const line = text.stdout.find((l) => l.includes("held-out"));
    assert.match(
      line ?? "",
      /target FAR 5\.0 %, reached [\d.]+ % on the 1500 held-out normal rows/,
    );
    assert.match(
      text.stderr.join("\n"),
      /warning \(target_far_missed\): --target-far 0\.05 was met/,
    );
    const json = JSON.parse((await runMain(main, "train", [...args, "--json"])).stdout.join("\n"));
    assert.equal(json.target_far.target, 0.05);
    assert.ok(json.target_far.held_out > 0.075, `held-out FAR ${json.target_far.held_out}`);
    // Representative training rows: no warning.
    const steady = await write(
      dir,
      "steady.csv",
      readingsCsv(simulate(3000, { seed: 9, anomalyRate: 0 }), { label: "y" }),
    );
    const quiet = await runMain(main, "train", [
      ...FOREST,
      "--csv",
      steady,
      "--label",
      "y",
      "--train-rows",
      "1500",
      "--target-far",
      "0.05",
      "--model-dir",
      dir,
    ]);
    assert.deepEqual(quiet.stderr, []);
  });
});

Deno.test("train --per-file fits one model per file and pools their held-out rows", async () => {
  await withTempDir(async (dir) => {
    const files: string[] = [];
    for (const seed of [1, 2]) {
      const { readings } = simulateFleet({
        seed,
        meterSeed: seed,
        meters: 1,
        readingsPerMeter: 1500,
        normalPrefix: 600,
        meanGap: 100,
      });
      files.push(await write(dir, `run${seed}.csv`, readingsCsv(readings, { label: "y" })));
    }
    const io = await runMain(main, "train", [
      "--csv",
      files[0],
      "--csv",
      files[1],
      "--label",
      "y",
      "--train-rows",
      "600",
      "--detector",
      "temporal",
      "--per-file",
      "--json",
      "--model-dir",
      dir,
    ]);
    const report = JSON.parse(io.stdout.join("\n"));
    assert.equal(report.protocol.per_file, true);
    assert.deepEqual(Object.keys(report.model.thresholds), ["run1.csv", "run2.csv"]);
    assert.equal(report.pooled.rows, 1800);
    assert.equal(report.files.length, 2);
    assert.ok(report.pooled.events.recall > 0.5);
    // Nothing to serve is written.
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".json")),
      [],
    );
    await runMain(main, "train", [
      "--csv",
      files[0],
      "--per-file",
      "--register",
      "--model-dir",
      dir,
    ], { code: 2 });
  });
});

import assert from "node:assert/strict";
import { main } from "./train.ts";
import { runCli } from "./_common.ts";
import { captureIo, readingsCsv, runMain, runTool, withTempDir } from "./_testing.ts";
import { parseAnyArtifact, parseArtifact, TemporalModel } from "../../backend/detector/mod.ts";
import { simulate } from "../../lib/simulator/simulator.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

const SMALL = ["--n-estimators", "20", "--training-size", "1000"];

Deno.test("train writes the artifact and prints precision, recall, F1 and ROC AUC", async () => {
  await withTempDir(async (dir) => {
    const io = await runMain(main, "train", [...SMALL, "--model-dir", dir]);
    const out = io.stdout.join("\n");
    for (const word of ["precision", "recall", "F1", "ROC AUC", "confusion matrix"]) {
      assert.match(out, new RegExp(word));
    }
    assert.match(
      out,
      /Evaluation on 5000 labeled simulated readings \(seed 43, 5\.0 % anomalies\)/,
    );
    const model = parseArtifact(await Deno.readTextFile(`${dir}/isolation_forest.json`));
    assert.deepEqual(model.info.config, {
      contamination: 0.05,
      nEstimators: 20,
      sampleSize: 256,
      seed: 42,
      trainingSize: 1000,
    });
    assert.match(out, new RegExp(`Wrote ${dir}/isolation_forest.json \\(${model.contentHash}\\)`));
  });
});

Deno.test("train reads its defaults from the environment, flags win", async () => {
  await withTempDir(async (dir) => {
    const env = {
      CONTAMINATION: "0.1",
      N_ESTIMATORS: "10",
      SEED: "7",
      TRAINING_SIZE: "500",
      MODEL_DIR: dir,
      MODEL_NAME: "m.json",
    };
    await runMain(main, "train", ["--seed", "8"], { env });
    const model = parseArtifact(await Deno.readTextFile(`${dir}/m.json`));
    assert.equal(model.info.config.contamination, 0.1);
    assert.equal(model.info.config.nEstimators, 10);
    assert.equal(model.info.config.seed, 8);
  });
});

Deno.test("train sweeps a contamination list and writes nothing", async () => {
  await withTempDir(async (dir) => {
    const args = [...SMALL, "--model-dir", dir, "--contamination", "0.01,0.05,0.2"];
    const io = await runMain(main, "train", args);
    const out = io.stdout.join("\n");
    assert.match(out, /contamination\s+threshold\s+flagged \(training\)\s+precision\s+recall\s+F1/);
    assert.match(out, /^\s+0\.01\s+0\.\d{4}\s+1\.0 %/m);
    assert.match(out, /^\s+0\.2\s+0\.\d{4}\s+20\.0 %/m);
    assert.match(out, /ROC AUC 0\.\d{3} for every row/);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("train --csv trains on own columns, on label-0 rows, and evaluates", async () => {
  await withTempDir(async (dir) => {
    const rows = simulate(600, { seed: 11, anomalyRate: 0.1 });
    const csv = `${dir}/data.csv`;
    await Deno.writeTextFile(csv, readingsCsv(rows, { features: "u,i,f", label: "is_anomaly" }));
    const columns = ["--features", "u,i,f", "--label", "is_anomaly"];
    const io = await runMain(main, "train", [
      ...["--csv", csv, ...columns, "--n-estimators", "30", "--model-dir", dir],
    ]);
    const normal = rows.filter((r) => !r.anomaly).length;
    const out = io.stdout.join("\n");
    assert.match(
      out,
      new RegExp(`data: +${normal} rows of data\\.csv \\(rows with is_anomaly = 0`),
    );
    assert.match(out, /Evaluation on all 600 labeled rows of data\.csv/);
    assert.match(out, /ROC AUC +0\.9\d\d/);
    const model = parseArtifact(await Deno.readTextFile(`${dir}/isolation_forest.json`));
    assert.deepEqual(model.info.features, ["u", "i", "f"]);
    assert.equal(model.info.config.trainingSize, normal);
    const data = (model.info.training as { data: Record<string, unknown> }).data;
    assert.equal(data.source, "csv");
    assert.equal(data.file, "data.csv");
    assert.match(String(data.sha256), /^[0-9a-f]{64}$/);
  });
});

Deno.test("train rejects bad settings in process with one line and exit code 2", async () => {
  const cases: [string[], Record<string, string>, string][] = [
    [["--n-estimators", "1.5"], {}, 'train: --n-estimators must be an integer, got "1.5"'],
    [[], { SAMPLE_SIZE: "lots" }, 'train: SAMPLE_SIZE must be an integer, got "lots"'],
    [
      ["--contamination", "0.05,x"],
      {},
      'train: --contamination must be a number or a list of numbers, got "x"',
    ],
    [
      ["--contamination", "0.05,0.9"],
      {},
      "train: Contamination must be greater than 0 and at most 0.5, got 0.9",
    ],
    [["--label", "y"], {}, "train: --features and --label apply only with --csv"],
    [["--csv", "/nonexistent/x.csv"], {}, 'train: CSV file "/nonexistent/x.csv" not found'],
    [["--model-name", "a/b", ...SMALL], {}, 'train: --model-name must be a file name, got "a/b"'],
  ];
  for (const [args, env, message] of cases) {
    const io = captureIo(env);
    assert.equal(await runCli(main, { tool: "train", args, io }), 2, args.join(" "));
    assert.deepEqual(io.stderr, [message]);
  }
});

Deno.test("train as a process: bad flags exit 2 with a one-line message, no stack trace", async () => {
  const unknown = await runTool("train.ts", ["--trees", "5"]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, "train: Unknown flag --trees (see --help)\n");
  assert.equal(unknown.stdout, "");

  const bad = await runTool("train.ts", ["--seed=-3"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, "train: Seed must be an integer from 0 to 4294967295, got -3\n");

  const dash = await runTool("train.ts", ["--seed", "-3"]);
  assert.equal(dash.code, 2);
  assert.equal(
    dash.stderr,
    "train: Option '--seed' argument is ambiguous (write --name=VALUE for a value starting " +
      "with a dash)\n",
  );

  const missing = await runTool("train.ts", ["--seed"]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, "train: Option '--seed <value>' argument missing\n");

  const help = await runTool("train.ts", ["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: deno task train/);
});

Deno.test("train as a process: a malformed CSV exits 2 naming the line", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/bad.csv`, "voltage,current,frequency\n230,10,50\n231,x,50\n");
    const run = await runTool("train.ts", ["--csv", `${dir}/bad.csv`]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'train: CSV line 3, column "current": "x" is not a finite number\n');
    assert.doesNotMatch(run.stderr, /\bat .*\.ts:\d+/);
  });
});

/** Two fleet files: 3 meters, a normal first stretch, labels written 0.0/1.0. */
async function fleetFiles(dir: string): Promise<string[]> {
  const paths: string[] = [];
  for (const seed of [21, 22]) {
    const f = simulateFleet({
      seed,
      meterSeed: 42,
      meters: 3,
      readingsPerMeter: 1200,
      intervalMs: 10_000,
      normalPrefix: 600,
    });
    const csv = readingsCsv(f.readings, {
      time: "when",
      meter: "meter",
      features: "u,i,hz",
      label: "y",
      labels: ["0.0", "1.0"],
    });
    const path = `${dir}/fleet_${seed}.csv`;
    await Deno.writeTextFile(path, `${csv}\n`);
    paths.push(path);
  }
  return paths;
}

Deno.test("train --detector temporal on several files reports pooled and per-file JSON", async () => {
  await withTempDir(async (dir) => {
    const [a, b] = await fleetFiles(dir);
    const columns = ["--features", "u,i,hz", "--label", "y", "--meter", "meter", "--time", "when"];
    const protocol = ["--train-rows", "1800", "--detector", "temporal", "--target-far", "0.01"];
    const outputs = ["--json", "--scores", `${dir}/scores.csv`, "--report", `${dir}/report.svg`];
    const args = ["--csv", a, "--csv", b, ...columns, ...protocol, "--model-dir", dir, ...outputs];
    const io = await runMain(main, "train", args);
    // One JSON document and nothing else on stdout.
    assert.equal(io.stdout.length, 1);
    const doc = JSON.parse(io.stdout[0]);
    assert.equal(doc.model.detector, "temporal");
    assert.deepEqual(doc.model.features, ["u", "i", "hz"]);
    assert.equal(doc.protocol.train_rows, 1800);
    assert.equal(doc.files.length, 2);
    for (const part of [doc.pooled, ...doc.files]) {
      for (const key of ["tp", "fp", "tn", "fn", "precision", "recall", "f1", "far", "mar"]) {
        assert.equal(typeof part.model[key], "number", key);
      }
      assert.ok(part.model.roc_auc > 0.8 && part.model.pr_auc > 0.5, JSON.stringify(part.model));
      assert.ok(part.events.events > 0 && part.events.recall >= 0.8, JSON.stringify(part.events));
      assert.equal(typeof part.events.median_delay, "number");
      assert.equal(part.grid_flags, 0);
    }
    assert.equal(doc.files[0].rows, 3600 - 1800);
    assert.equal(doc.pooled.rows, 2 * 1800);
    const model = parseAnyArtifact(await Deno.readTextFile(`${dir}/temporal_window.json`));
    assert.ok(model instanceof TemporalModel);
    assert.equal(doc.model.content_hash, model.contentHash);
    assert.deepEqual(model.parts.meters.ids, ["meter-01", "meter-02", "meter-03"]);

    const scores = (await Deno.readTextFile(`${dir}/scores.csv`)).trim().split("\n");
    assert.equal(
      scores[0],
      "file,row,line,meter,time,split,score,threshold,model_flag,grid_flag,range_flag,label",
    );
    assert.equal(scores.length, 1 + 2 * 3600);
    assert.match(scores[1], /fleet_21\.csv,0,2,meter-01,2026-01-01T00:00:00\.000Z,train,/);
    assert.match(scores[scores.length - 1], /,test,[0-9.e-]+,[0-9.e-]+,[01],0,0,[01]$/);
    const svg = await Deno.readTextFile(`${dir}/report.svg`);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal(svg.match(/class="score"/g)?.length, 2);
    assert.match(svg, /class="pr"/);
  });
});

Deno.test("train --csv applies grid rules only to columns --grid names, and reports them apart", async () => {
  await withTempDir(async (dir) => {
    // "frequency" here is a machine's speed in rpm, not a grid frequency: far above 100 Hz.
    const lines = ["voltage,frequency,label"];
    for (let r = 0; r < 400; r++) {
      lines.push(`${230 + (r % 9) / 3},${1500 + (r % 11)},${r % 50 === 49 ? 1 : 0}`);
    }
    await Deno.writeTextFile(`${dir}/m.csv`, lines.join("\n"));
    const base = ["--csv", `${dir}/m.csv`, "--features", "voltage,frequency", "--label", "label"];
    const run = async (extra: string[]) => {
      const args = [...base, "--n-estimators", "20", "--model-dir", dir, "--json", ...extra];
      return JSON.parse((await runMain(main, "train", args)).stdout[0]);
    };
    const plain = await run([]);
    assert.equal(plain.pooled.grid_flags, 0);
    assert.deepEqual(plain.model.grid, {});
    const grid = await run(["--grid", "voltage,frequency"]);
    assert.equal(grid.pooled.grid_flags, 400);
    assert.deepEqual(grid.model.grid, { voltage: "voltage", frequency: "frequency" });
    // The model's own metrics do not change with the grid rules.
    assert.deepEqual(grid.pooled.model, plain.pooled.model);
  });
});

Deno.test("train --csv reports the point model's range-guard rows apart from its metrics", async () => {
  await withTempDir(async (dir) => {
    // Five readings far beyond the training rows (no grid quantities: only the guard can see them).
    const lines = ["u,i,label"];
    for (let r = 0; r < 400; r++) {
      const far = r >= 350 && r < 355;
      lines.push(`${far ? 400 : 230 + (r % 9) / 3},${10 + (r % 7) / 7},${far ? 1 : 0}`);
    }
    await Deno.writeTextFile(`${dir}/m.csv`, lines.join("\n"));
    const args = [
      ...["--csv", `${dir}/m.csv`, "--features", "u,i", "--label", "label", "--train-rows", "300"],
      ...["--n-estimators", "20", "--model-dir", dir, "--json"],
    ];
    const report = JSON.parse((await runMain(main, "train", args)).stdout[0]);
    assert.equal(report.pooled.grid_flags, 0);
    assert.equal(report.pooled.range_flags, 5);
    assert.equal(report.pooled.range_flags_on_anomalies, 5);
  });
});

Deno.test("train --csv rejects conflicting or out-of-range protocol flags", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/d.csv`, "voltage,current,frequency\n230,10,50\n231,11,50\n");
    const base = ["--csv", `${dir}/d.csv`, "--model-dir", dir];
    const cases: [string[], string][] = [
      [["--detector", "lstm"], 'train: --detector must be point or temporal, got "lstm"'],
      [["--window", "4"], "train: --window applies only with --detector temporal"],
      [
        ["--contamination", "0.1", "--target-far", "0.01"],
        "train: --contamination and --target-far both set the threshold: give one",
      ],
      [
        ["--target-far", "0.7"],
        "train: --target-far must be greater than 0 and at most 0.5, got 0.7",
      ],
      [
        ["--train-rows", "2"],
        `train: --train-rows 2 leaves no rows to evaluate in ${dir}/d.csv (2 rows)`,
      ],
      [
        ["--detector", "temporal"],
        "train: Only 2 training rows; the temporal detector needs at least 32",
      ],
      [
        ["--grid", "current=speed"],
        'train: Grid quantity of "current" must be one of voltage, current, frequency, got "speed"',
      ],
    ];
    for (const [extra, message] of cases) {
      const io = captureIo();
      assert.equal(
        await runCli(main, { tool: "train", args: [...base, ...extra], io }),
        2,
        extra.join(" "),
      );
      assert.deepEqual(io.stderr, [message]);
    }
    const io = captureIo();
    assert.equal(await runCli(main, { tool: "train", args: ["--meter", "m"], io }), 2);
    assert.deepEqual(io.stderr, ["train: --meter applies only with --csv"]);
  });
});

Deno.test("train --detector temporal without --csv trains on a simulated fleet day and finds its events", async () => {
  await withTempDir(async (dir) => {
    const io = await runMain(main, "train", [
      "--detector",
      "temporal",
      "--model-dir",
      dir,
      "--json",
    ]);
    const doc = JSON.parse(io.stdout[0]);
    assert.equal(doc.model.detector, "temporal");
    assert.deepEqual(doc.model.features, ["voltage", "current", "frequency"]);
    assert.deepEqual(doc.model.grid, {
      voltage: "voltage",
      current: "current",
      frequency: "frequency",
    });
    assert.ok(doc.pooled.events.recall >= 0.9, JSON.stringify(doc.pooled.events));
    assert.ok(doc.pooled.model.far <= 0.05, JSON.stringify(doc.pooled.model));
    const model = parseAnyArtifact(await Deno.readTextFile(`${dir}/temporal_window.json`));
    assert.ok(model instanceof TemporalModel);
    assert.equal(model.parts.meters.ids.length, 4);
  });
});

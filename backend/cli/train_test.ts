import assert from "node:assert/strict";
import { main } from "./train.ts";
import { runCli } from "./_common.ts";
import { captureIo, runTool, withTempDir } from "./_testing.ts";
import { parseArtifact } from "../detector/artifact.ts";
import { simulate } from "../simulator/simulator.ts";

const SMALL = ["--n-estimators", "20", "--training-size", "1000"];

Deno.test("train writes the artifact and prints precision, recall, F1 and ROC AUC", async () => {
  await withTempDir(async (dir) => {
    const io = captureIo();
    const code = await runCli(main, { tool: "train", args: [...SMALL, "--model-dir", dir], io });
    assert.equal(code, 0, io.stderr.join("\n"));
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
    const io = captureIo({
      CONTAMINATION: "0.1",
      N_ESTIMATORS: "10",
      SEED: "7",
      TRAINING_SIZE: "500",
      MODEL_DIR: dir,
      MODEL_NAME: "m.json",
    });
    assert.equal(
      await runCli(main, { tool: "train", args: ["--seed", "8"], io }),
      0,
      io.stderr.join("\n"),
    );
    const model = parseArtifact(await Deno.readTextFile(`${dir}/m.json`));
    assert.equal(model.info.config.contamination, 0.1);
    assert.equal(model.info.config.nEstimators, 10);
    assert.equal(model.info.config.seed, 8);
  });
});

Deno.test("train sweeps a contamination list and writes nothing", async () => {
  await withTempDir(async (dir) => {
    const io = captureIo();
    const args = [...SMALL, "--model-dir", dir, "--contamination", "0.01,0.05,0.2"];
    assert.equal(await runCli(main, { tool: "train", args, io }), 0, io.stderr.join("\n"));
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
    const csv = [
      "u,i,f,is_anomaly",
      ...rows.map((r) => `${r.voltage},${r.current},${r.frequency},${r.anomaly ? 1 : 0}`),
    ].join("\n");
    await Deno.writeTextFile(`${dir}/data.csv`, csv);
    const io = captureIo();
    const args = [
      "--csv",
      `${dir}/data.csv`,
      "--features",
      "u,i,f",
      "--label",
      "is_anomaly",
      "--n-estimators",
      "30",
      "--model-dir",
      dir,
    ];
    assert.equal(await runCli(main, { tool: "train", args, io }), 0, io.stderr.join("\n"));
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

import assert from "node:assert/strict";
import { main } from "./evaluate.ts";
import { main as train } from "./train.ts";
import { runCli } from "./_common.ts";
import { captureIo, runTool, withTempDir } from "./_testing.ts";
import { simulate } from "../simulator/simulator.ts";

async function trainInto(dir: string): Promise<void> {
  const io = captureIo();
  const args = ["--n-estimators", "30", "--training-size", "2000", "--model-dir", dir];
  assert.equal(await runCli(train, { tool: "train", args, io }), 0, io.stderr.join("\n"));
}

Deno.test("evaluate reports metrics and the confusion matrix on a fresh simulated set", async () => {
  await withTempDir(async (dir) => {
    await trainInto(dir);
    const io = captureIo();
    const code = await runCli(main, {
      tool: "evaluate",
      args: ["--model-dir", dir, "--size", "3000"],
      io,
    });
    assert.equal(code, 0, io.stderr.join("\n"));
    const out = io.stdout.join("\n");
    assert.match(out, /Evaluation on 3000 simulated readings \(seed 44, 5\.0 % anomalies\)/);
    for (const word of ["precision", "recall", "F1", "ROC AUC"]) {
      assert.match(out, new RegExp(word));
    }
    assert.match(out, /predicted normal\s+predicted anomaly/);
    assert.match(out, /actual normal\s+\d+\s+\d+/);
    assert.match(out, /actual anomaly\s+\d+\s+\d+/);
    assert.match(out, /voltage_sag\s+\d+\s+\d+\s+1\.000/);
  });
});

Deno.test("evaluate --csv reads the label column and the chosen feature columns", async () => {
  await withTempDir(async (dir) => {
    await trainInto(dir);
    const rows = simulate(400, { seed: 5, anomalyRate: 0.1 });
    const csv = [
      "label,V,I,F",
      ...rows.map((r) => `${r.anomaly ? 1 : 0},${r.voltage},${r.current},${r.frequency}`),
    ].join("\n");
    await Deno.writeTextFile(`${dir}/x.csv`, csv);
    const io = captureIo();
    const args = ["--model-dir", dir, "--csv", `${dir}/x.csv`, "--label", "label"];
    assert.equal(
      await runCli(main, { tool: "evaluate", args: [...args, "--features", "V,I,F"], io }),
      0,
      io.stderr.join("\n"),
    );
    const positives = rows.filter((r) => r.anomaly).length;
    assert.match(
      io.stdout.join("\n"),
      new RegExp(`400 labeled rows .* \\(${positives} anomalies\\)`),
    );
    assert.match(io.stdout.join("\n"), /ROC AUC +0\.9\d\d/);

    const missing = captureIo();
    assert.equal(await runCli(main, { tool: "evaluate", args, io: missing }), 2);
    assert.deepEqual(missing.stderr, [
      'evaluate: CSV has no feature column "voltage"; its columns are label,V,I,F',
    ]);
  });
});

Deno.test("evaluate rejects bad calls with one line and exit code 2", async () => {
  await withTempDir(async (dir) => {
    const none = captureIo();
    assert.equal(await runCli(main, { tool: "evaluate", args: ["--model-dir", dir], io: none }), 2);
    assert.deepEqual(none.stderr, [
      `evaluate: No model artifact at ${dir}/isolation_forest.json: run "deno task train" first`,
    ]);
    await Deno.writeTextFile(`${dir}/isolation_forest.json`, "{}");
    const corrupt = captureIo();
    assert.equal(
      await runCli(main, { tool: "evaluate", args: ["--model-dir", dir], io: corrupt }),
      2,
    );
    assert.match(corrupt.stderr[0], /^evaluate: Model artifact .* is unusable: Artifact format/);
    const cases: [string[], string][] = [
      [
        ["--csv", "x.csv"],
        "evaluate: --label is required with --csv: name the 0/1 column " +
        "to evaluate against",
      ],
      [
        ["--csv", "x.csv", "--label", "y", "--size", "5"],
        "evaluate: --size applies only to " +
        "simulated data, not with --csv",
      ],
      [
        ["--anomaly-rate", "2"],
        "evaluate: --anomaly-rate must be between 0 and 1 (exclusive), got 2",
      ],
      [["--size", "ten"], 'evaluate: --size must be an integer, got "ten"'],
    ];
    for (const [args, message] of cases) {
      const io = captureIo();
      assert.equal(
        await runCli(main, { tool: "evaluate", args: ["--model-dir", dir, ...args], io }),
        2,
      );
      assert.deepEqual(io.stderr, [message]);
    }
  });
});

Deno.test("evaluate as a process: unknown flag and missing model exit 2 without a stack", async () => {
  const unknown = await runTool("evaluate.ts", ["--csvfile", "a.csv"]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, "evaluate: Unknown flag --csvfile (see --help)\n");
  await withTempDir(async (dir) => {
    const missing = await runTool("evaluate.ts", ["--model-dir", dir]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.split("\n").length, 2, missing.stderr);
    assert.match(missing.stderr, /^evaluate: No model artifact at /);
  });
});

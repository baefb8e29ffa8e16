import assert from "node:assert/strict";
import { main } from "./evaluate.ts";
import { main as train } from "./train.ts";
import { runCli, UsageError } from "./_common.ts";
import { ModelRegistry } from "../../backend/store/registry/mod.ts";
import { captureIo, readingsCsv, runMain, runTool, withTempDir } from "./_testing.ts";
import { simulate } from "../../lib/simulator/simulator.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

async function trainInto(dir: string): Promise<void> {
  await runMain(train, "train", [
    "--n-estimators",
    "30",
    "--training-size",
    "2000",
    "--model-dir",
    dir,
  ]);
}

Deno.test("evaluate reports metrics and the confusion matrix on a fresh simulated set", async () => {
  await withTempDir(async (dir) => {
    await trainInto(dir);
    const io = await runMain(main, "evaluate", ["--model-dir", dir, "--size", "3000"]);
    const out = io.stdout.join("\n");
    assert.match(out, /Evaluation on 3000 simulated readings \(seed 44, 5\.0 % anomalies\)/);
    for (const word of ["precision", "recall", "F1", "ROC AUC"]) {
      assert.match(out, new RegExp(word));
    }
    assert.match(out, /predicted normal\s+predicted anomaly/);
    assert.match(out, /actual normal\s+\d+\s+\d+/);
    assert.match(out, /actual anomaly\s+\d+\s+\d+/);
    // Sags of 150 to 200 V lie far outside normal voltage at any hour of the day.
    const sag = /voltage_sag\s+\d+\s+\d+\s+([01]\.\d{3})/.exec(out);
    assert.ok(sag && Number(sag[1]) >= 0.9, out);
  });
});

Deno.test("evaluate --csv reads the label column and the chosen feature columns", async () => {
  await withTempDir(async (dir) => {
    await trainInto(dir);
    const rows = simulate(400, { seed: 5, anomalyRate: 0.1 });
    const csv = readingsCsv(rows, { label: "label", labelFirst: true, features: "V,I,F" });
    await Deno.writeTextFile(`${dir}/x.csv`, csv);
    const args = ["--model-dir", dir, "--csv", `${dir}/x.csv`, "--label", "label"];
    const io = await runMain(main, "evaluate", [...args, "--features", "V,I,F"]);
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

Deno.test("evaluate --csv scores a temporal artifact and chooses the threshold on the first N rows", async () => {
  await withTempDir(async (dir) => {
    const f = simulateFleet({
      seed: 31,
      meterSeed: 42,
      meters: 2,
      readingsPerMeter: 1500,
      intervalMs: 10_000,
      normalPrefix: 700,
    });
    const labels = ["false", "true"] as const;
    const csv = readingsCsv(f.readings, {
      meter: "meter",
      features: "v,i,f",
      label: "label",
      labels,
    });
    await Deno.writeTextFile(`${dir}/f.csv`, csv);
    const common = ["--csv", `${dir}/f.csv`, "--features", "v,i,f", "--label", "label"];
    const trainArgs = ["--meter", "meter", "--train-rows", "1400", "--detector", "temporal"];
    await runMain(train, "train", [...common, ...trainArgs, "--model-dir", dir]);
    const evaluateArgs = [
      ...common,
      "--meter",
      "meter",
      "--model-dir",
      dir,
      "--model-name",
      "temporal_window.json",
      "--train-rows",
      "1400",
    ];
    const chosen = await runMain(main, "evaluate", [
      ...evaluateArgs,
      "--target-far",
      "0.05",
      "--json",
    ]);
    const doc = JSON.parse(chosen.stdout[0]);
    assert.equal(doc.tool, "evaluate");
    assert.equal(doc.model.detector, "temporal");
    assert.match(
      doc.protocol.threshold,
      /^target FAR 0\.05: the 0\.95 quantile of the 1400 training rows' scores$/,
    );
    assert.equal(doc.pooled.rows, 1600);
    assert.ok(doc.pooled.events.recall >= 0.8, JSON.stringify(doc.pooled.events));

    const text = await runMain(main, "evaluate", [...evaluateArgs, "--threshold", "1.5"]);
    const out = text.stdout.join("\n");
    assert.match(out, /temporal window model, features v,i,f/);
    assert.match(out, /threshold 1\.5 \(--threshold 1\.5\)/);
    assert.match(out, /events +\d+ of \d+ detected \(event recall [01]\.\d{3}\), median delay/);
    assert.match(out, /grid rules 0 rows/);

    const bad = captureIo();
    assert.equal(
      await runCli(main, {
        tool: "evaluate",
        args: [
          ...common,
          "--model-dir",
          dir,
          "--model-name",
          "temporal_window.json",
          "--target-far",
          "0.1",
        ],
        io: bad,
      }),
      2,
    );
    assert.deepEqual(bad.stderr, [
      "evaluate: --target-far needs --train-rows: the threshold is chosen on the training rows",
    ]);
    const simulated = captureIo();
    assert.equal(
      await runCli(main, {
        tool: "evaluate",
        args: ["--model-dir", dir, "--model-name", "temporal_window.json"],
        io: simulated,
      }),
      2,
    );
    assert.match(simulated.stderr[0], /is a temporal model; evaluate it on your data with --csv/);
  });
});

Deno.test("evaluate --alias and --version evaluate registry versions, not MODEL_NAME", async () => {
  await withTempDir(async (dir) => {
    const small = ["--n-estimators", "10", "--sample-size", "32", "--training-size", "300"];
    const io = captureIo();
    await train([...small, "--model-dir", dir, "--register", "--alias", "champion"], io);
    await train(
      [
        ...small,
        "--contamination",
        "0.2",
        "--model-dir",
        dir,
        "--register",
        "--alias",
        "challenger",
      ],
      io,
    );
    const registry = new ModelRegistry(dir, { retention: 10 });
    const champion = (await registry.getAlias("champion"))!.version;
    const challenger = (await registry.getAlias("challenger"))!.version;
    const byAlias = captureIo();
    assert.equal(
      await main(["--model-dir", dir, "--alias", "champion", "--size", "500"], byAlias),
      0,
    );
    assert.match(
      byAlias.stdout[0],
      new RegExp(`registry version champion \\(${champion.slice(0, 19)}\\)`),
    );
    const byVersion = captureIo();
    const prefix = challenger.slice(7, 7 + 14);
    assert.equal(
      await main(["--model-dir", dir, "--version", prefix, "--size", "500"], byVersion),
      0,
    );
    assert.match(byVersion.stdout.join("\n"), /contamination 0\.2/);
    await assert.rejects(
      () => main(["--model-dir", dir, "--version", "zz"], captureIo()),
      (err: Error) => err instanceof UsageError && /--version/.test(err.message),
    );
    await registry.deleteAlias("challenger");
    await assert.rejects(
      () => main(["--model-dir", dir, "--alias", "challenger"], captureIo()),
      (err: Error) => err instanceof UsageError && /challenger alias is not set/.test(err.message),
    );
  });
});

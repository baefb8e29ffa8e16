import assert from "node:assert/strict";
import { ModelRegistry } from "../../backend/store/registry/mod.ts";
import { testApp } from "../../backend/tests/_app.ts";
import { Simulator } from "../../lib/simulator/simulator.ts";
import { UsageError } from "./_common.ts";
import { loadLabelDataset } from "./_labels.ts";
import { captureIo, readingsCsv, withTempDir } from "./_testing.ts";
import { main } from "./train.ts";
import { main as evaluate } from "./evaluate.ts";
import { simulate } from "../../lib/simulator/simulator.ts";

const SMALL = ["--n-estimators", "20", "--sample-size", "64"];

/** Serve simulated readings and label every verdict with the simulator's truth, over HTTP. */
async function labelReadings(dir: string, n: number): Promise<void> {
  const { app, labels } = testApp({
    realModel: true,
    env: { MODEL_DIR: dir, LABELS_DB: `${dir}/labels.db`, FEEDBACK_RATE: "100000" },
  });
  const readings = new Simulator({ seed: 11, anomalyRate: 0.1 }).batch(n);
  for (let at = 0; at < n; at += 100) {
    const batch = readings.slice(at, at + 100);
    const body = JSON.stringify({
      readings: batch.map(({ voltage, current, frequency }) => ({ voltage, current, frequency })),
    });
    const res = await app.request("/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const { predictions } = await res.json();
    const posted = await app.request("/feedback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        labels: predictions.map((p: { prediction_id: string }, i: number) => ({
          prediction_id: p.prediction_id,
          anomaly: batch[i].anomaly,
        })),
      }),
    });
    assert.equal(posted.status, 200, await posted.clone().text());
  }
  labels.close();
}

Deno.test("train --labels trains on stored labels and GET /models shows its held-out evaluation", async () => {
  await withTempDir(async (dir) => {
    await labelReadings(dir, 400);
    const io = captureIo();
    const args = [...SMALL, "--labels", `${dir}/labels.db`, "--train-rows", "300"];
    assert.equal(await main([...args, "--model-dir", dir, "--register"], io), 0);
    const out = io.stdout.join("\n");
    assert.match(out, /the 100 rows after the first 300 of labels\.db/);
    assert.match(out, /precision/);
    assert.match(out, /Stored the evaluation in sha256:[0-9a-f]{12}'s metadata/);
    const [version] = await new ModelRegistry(dir, { retention: 10 }).list();
    assert.equal(version.training.data && typeof version.training.data, "object");
    const { app } = testApp({ env: { MODEL_DIR: dir, LABELS_DB: `${dir}/labels.db` } });
    const listed = await (await app.request("/models")).json();
    const shown = listed.versions.find((v: { version: string }) => v.version === version.version);
    assert.equal(typeof shown.evaluation.precision, "number");
    assert.equal(shown.evaluation.rows, 100);
    assert.match(shown.evaluation.data, /100 rows after the first 300/);
    // evaluate reads the same labels for any registry version.
    const evaluated = captureIo();
    const evalArgs = ["--model-dir", dir, "--version", version.version, "--labels"];
    assert.equal(await evaluate([...evalArgs, `${dir}/labels.db`], evaluated), 0);
    assert.match(evaluated.stdout.join("\n"), /400 labeled rows of .*labels\.db/);
  });
});

Deno.test("train --csv --label --register prints the evaluation and stores it in the version", async () => {
  await withTempDir(async (dir) => {
    const csv = `${dir}/data.csv`;
    await Deno.writeTextFile(
      csv,
      readingsCsv(simulate(600, { seed: 4, anomalyRate: 0.05 }), { label: "label" }),
    );
    const io = captureIo();
    const args = [...SMALL, "--csv", csv, "--label", "label", "--train-rows", "400"];
    assert.equal(await main([...args, "--model-dir", dir, "--register"], io), 0);
    assert.match(io.stdout.join("\n"), /precision/);
    const [version] = await new ModelRegistry(dir, { retention: 10 }).list();
    assert.equal(typeof version.evaluation?.precision, "number");
    assert.equal(version.evaluation?.rows, 200);
  });
});

Deno.test("loadLabelDataset() names a missing store and refuses --labels with --csv or --label", async () => {
  await assert.rejects(() => loadLabelDataset("/nonexistent/labels.db", null), /No label store/);
  await assert.rejects(
    () => main(["--labels", "x.db", "--csv", "a.csv"], captureIo()),
    (err: Error) => err instanceof UsageError && /give one/.test(err.message),
  );
  await assert.rejects(
    () => main(["--labels", "x.db", "--label", "y"], captureIo()),
    (err: Error) => err instanceof UsageError && /--label does not apply/.test(err.message),
  );
});

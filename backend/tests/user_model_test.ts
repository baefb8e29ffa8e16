/**
 * Issue 10, item 12: the service never overwrites a model it did not make.
 * A model trained with `deno task train --csv` differs from the service's
 * configured one (its training size is the CSV's row count); the service
 * serves it as it is, says so in `/ready`, `/model` and the log, and leaves
 * the file byte for byte.
 */
import assert from "node:assert/strict";
import { trainCli, writtenVersion } from "./_train_cli.ts";
import { simulate } from "../../lib/simulator/simulator.ts";
import { startBackend } from "../../testing/backend_process.ts";

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("a model trained with deno task train --csv is served as it is and never replaced", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = simulate(500, { seed: 3, anomalyRate: 0 })
      .map((r) => `${r.voltage},${r.current},${r.frequency}`);
    await Deno.writeTextFile(
      `${dir}/feeder.csv`,
      ["voltage,current,frequency", ...rows].join("\n"),
    );
    const trained = await trainCli([
      "--csv",
      `${dir}/feeder.csv`,
      "--n-estimators",
      "50",
      "--model-dir",
      `${dir}/models`,
    ]);
    const artifact = `${dir}/models/isolation_forest.json`;
    const hash = await sha256(artifact);
    const version = writtenVersion(trained);

    // The service's default env: 200 trees, 10,000 simulated readings, training allowed.
    const backend = await startBackend({ env: { MODEL_DIR: `${dir}/models` } });
    try {
      const ready = await (await fetch(`${backend.url}/ready`)).json();
      assert.equal(ready.ready, true);
      assert.match(
        ready.warning,
        /isolation_forest\.json was not made by this service .*N_ESTIMATORS 50 \(configured 200\), TRAINING_SIZE 500 \(configured 10000\).*never overwritten/,
      );
      const model = await (await fetch(`${backend.url}/model`)).json();
      assert.ok(version.startsWith(model.version), `${model.version} vs ${version}`);
      assert.equal(model.config.nEstimators, 50);
      assert.equal(model.warning, ready.warning);
      assert.equal(model.training.data.source, "csv");
    } finally {
      assert.equal((await backend.stop()).code, 0);
    }
    const mismatch = backend.logs().map((l) => JSON.parse(l)).find((l) =>
      l.event === "model_config_mismatch"
    );
    assert.equal(mismatch.action, "serve_artifact_as_is");
    assert.ok(!backend.logs().some((l) => l.includes('"model_trained"')));
    assert.equal(await sha256(artifact), hash);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

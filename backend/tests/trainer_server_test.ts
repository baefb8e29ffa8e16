/**
 * Issue 10, item 13: the trainer and the server read one definition of the
 * model settings, so whatever `deno task train` accepts the server serves.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { MODEL_SETTINGS } from "../detector/mod.ts";
import { settingFlags, trainCli, writtenVersion } from "./_train_cli.ts";
import { startBackend } from "../../testing/backend_process.ts";

Deno.test("loadConfig() accepts every model setting at the trainer's minimum and maximum", () => {
  for (const spec of MODEL_SETTINGS) {
    const low = spec.exclusiveMin ? spec.min + 0.001 : spec.min;
    for (const value of [low, spec.max]) {
      const config = loadConfig({ [spec.env]: String(value), TRAINING_SIZE: "10000000" });
      assert.equal(config.model[spec.key], spec.key === "trainingSize" ? 10_000_000 : value);
    }
  }
});

Deno.test("a model trained with the trainer's maximum tree count, sample size and seed is served", async () => {
  const dir = await Deno.makeTempDir();
  const settings = {
    CONTAMINATION: "0.5",
    N_ESTIMATORS: "10000",
    SAMPLE_SIZE: "1000000",
    SEED: "4294967295",
    // Small data keeps 10,000 trees cheap; the sample size is capped by it.
    TRAINING_SIZE: "40",
  };
  try {
    const version = writtenVersion(await trainCli([...settingFlags(settings), "--model-dir", dir]));
    const backend = await startBackend({
      env: { ...settings, MODEL_DIR: dir, TRAIN_IF_MISSING: "0" },
      timeoutMs: 60_000,
    });
    try {
      const model = await (await fetch(`${backend.url}/model`)).json();
      assert.equal(model.config.nEstimators, 10_000);
      assert.equal(model.config.sampleSize, 1_000_000);
      assert.ok(version.startsWith(model.version), `${model.version} vs ${version}`);
      assert.match(model.source, /^loaded from artifact/);
    } finally {
      await backend.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

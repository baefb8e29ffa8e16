import assert from "node:assert/strict";
import { silentLogger } from "../../lib/logger.ts";
import { trainModel } from "../detector/mod.ts";
import { writeArtifact } from "./model_store.ts";
import { loadTemporalModel } from "./temporal_store.ts";

const base = { name: "temporal_window.json", seed: 42, logger: silentLogger };

Deno.test("loadTemporalModel() trains and writes a missing artifact, then loads the same model", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const trained = await loadTemporalModel({ ...base, dir, trainIfMissing: true });
    assert.equal(trained.model.info.name, "temporal_window");
    assert.match(trained.source, /^trained at startup on a simulated fleet day/);
    const loaded = await loadTemporalModel({ ...base, dir, trainIfMissing: false });
    assert.equal(loaded.model.info.version, trained.model.info.version);
    assert.match(loaded.source, /^loaded from artifact/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadTemporalModel() refuses a missing artifact without TRAIN_IF_MISSING, a damaged one and a forest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => loadTemporalModel({ ...base, dir, trainIfMissing: false }),
      /No model artifact at .*temporal_window\.json and TRAIN_IF_MISSING is off/,
    );
    await Deno.writeTextFile(`${dir}/temporal_window.json`, "{not json");
    await assert.rejects(
      () => loadTemporalModel({ ...base, dir, trainIfMissing: true }),
      /is unusable .*never replaces it/,
    );
    assert.equal(await Deno.readTextFile(`${dir}/temporal_window.json`), "{not json");
    const forest = trainModel({
      contamination: 0.05,
      nEstimators: 10,
      sampleSize: 64,
      seed: 1,
      trainingSize: 500,
    });
    await writeArtifact(forest, { dir, name: "forest.json" });
    await assert.rejects(
      () => loadTemporalModel({ ...base, name: "forest.json", dir, trainIfMissing: true }),
      /holds a isolation_forest model but DETECTOR is temporal_window/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

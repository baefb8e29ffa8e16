import assert from "node:assert/strict";
import { type Detector, Model } from "../detector/mod.ts";
import { ModelRegistry } from "../store/registry/mod.ts";
import { createModelLoader, decodeDetector } from "./model_codec.ts";
import { READING, recordingLogger, smallModel, testConfig } from "../../testing/process_layer.ts";

/** A configuration whose model trains in milliseconds, on `modelDir`. */
function codecConfig(modelDir: string, env: Record<string, string> = {}) {
  return testConfig({
    MODEL_DIR: modelDir,
    N_ESTIMATORS: "20",
    SAMPLE_SIZE: "64",
    TRAINING_SIZE: "500",
    ...env,
  });
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("createModelLoader().load() trains into an empty MODEL_DIR, makes it the champion, and the next load serves that champion", async () => {
  await withDir(async (dir) => {
    const config = codecConfig(dir);
    const first = recordingLogger();
    const trained = await createModelLoader(config, first.logger).load();
    assert.match(trained.info.source, /^trained at startup/);
    const registered = first.events().find((e) => e.event === "model_registered");
    assert.equal(registered?.champion, true);
    assert.equal(registered?.new_version, true);

    const again = await createModelLoader(config, recordingLogger().logger).load();
    assert.equal(again.info.version, trained.info.version);
    assert.match(
      again.info.source,
      /^loaded from artifact \S*[0-9a-f]{64}\.json \(champion\)$/,
    );
    assert.ok(!again.info.source.includes(dir), again.info.source);
  });
});

Deno.test("createModelLoader().load() with a corrupt artifact and TRAIN_IF_MISSING=0 rejects naming the file, not MODEL_DIR", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/isolation_forest.json`, '{"not":"a model"');
    const loader = createModelLoader(
      codecConfig(dir, { TRAIN_IF_MISSING: "0" }),
      recordingLogger().logger,
    );
    const err = await loader.load().then(() => assert.fail("loaded"), (e: Error) => e);
    assert.match(err.message, /isolation_forest\.json/);
    assert.ok(!err.message.includes(dir), err.message);
  });
});

Deno.test("encode() then decodeDetector() rebuilds a model that scores exactly alike", () => {
  const model = smallModel();
  const loader = createModelLoader(codecConfig("/nonexistent"), recordingLogger().logger);
  const decoded = decodeDetector(loader.encode(model), {
    ratedCurrent: 100,
    source: "sent by the primary",
    createdAt: "2026-01-01T00:00:00.000Z",
  });
  assert.ok(decoded instanceof Model);
  assert.equal(decoded.info.version, model.info.version);
  assert.equal(decoded.info.source, "sent by the primary");
  assert.equal(decoded.info.createdAt, "2026-01-01T00:00:00.000Z");
  const readings = [READING, { voltage: 180, current: 95, frequency: 49.2 }];
  assert.deepEqual(
    decoded.predict(readings).map((p) => p.score),
    model.predict(readings).map((p) => p.score),
  );
});

Deno.test("encode() rejects a detector that is not a trained model", () => {
  const loader = createModelLoader(codecConfig("/nonexistent"), recordingLogger().logger);
  const fake: Detector = { info: smallModel().info, predict: () => [] };
  assert.throws(() => loader.encode(fake), /Only trained models/);
});

Deno.test("decodeDetector() rejects text that is not an artifact", () => {
  assert.throws(() => decodeDetector("{}", { ratedCurrent: 100, source: "x" }), TypeError);
});

Deno.test("createModelLoader().watch() reports a champion moved in the registry, with its artifact text", async () => {
  await withDir(async (dir) => {
    const config = codecConfig(dir, { MODEL_POLL_S: "3600" });
    const loader = createModelLoader(config, recordingLogger().logger);
    const served = await loader.load();
    const moved: { version: string; artifact: string }[] = [];
    const watch = loader.watch!(served, {
      champion: (d, artifact) => moved.push({ version: d.info.version, artifact }),
      challenger: () => {},
    });
    try {
      const next = smallModel(11);
      const registry = new ModelRegistry(dir, { retention: config.modelRetention });
      await registry.register(next, { source: "test" });
      await registry.setAlias("champion", next.contentHash, "test");
      await watch.poll();
      assert.equal(moved.length, 1);
      assert.equal(moved[0].version, next.info.version);
      assert.equal(
        decodeDetector(moved[0].artifact, { ratedCurrent: 100, source: "x" }).info.version,
        next.info.version,
      );
    } finally {
      await watch.stop();
    }
  });
});

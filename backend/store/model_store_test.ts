import assert from "node:assert/strict";
import {
  loadModel,
  type LoadModelOptions,
  ownerRecordName,
  shownArtifactPath,
  writeArtifact,
} from "./model_store.ts";
import {
  DEFAULT_MODEL_CONFIG,
  FEATURES,
  fitTemporal,
  type ModelConfig,
  parseArtifact,
  TemporalModel,
  toMatrix,
  trainModel,
} from "../detector/mod.ts";
import { simulate } from "../../lib/simulator/simulator.ts";
import { createLogger } from "../../lib/logger.ts";

const CONFIG: ModelConfig = { ...DEFAULT_MODEL_CONFIG, nEstimators: 20, trainingSize: 1_000 };
const NAME = "isolation_forest.json";

interface Line {
  level: string;
  event: string;
  [key: string]: unknown;
}

function setup(dir: string, overrides: Partial<LoadModelOptions> = {}) {
  const lines: Line[] = [];
  const logger = createLogger({}, { sink: (line) => lines.push(JSON.parse(line)) });
  const options: LoadModelOptions = {
    dir,
    name: NAME,
    config: CONFIG,
    trainIfMissing: true,
    logger,
    ...overrides,
  };
  return { options, lines, events: () => lines.map((l) => l.event) };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "model_store_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("loadModel() trains and writes when the artifact is missing, then loads it", async () => {
  await withDir(async (root) => {
    const dir = `${root}/nested/models`;
    const first = setup(dir);
    const trained = await loadModel(first.options);
    assert.equal(trained.source, `trained at startup: no artifact at ${NAME}`);
    assert.equal(trained.model.info.source, trained.source);
    assert.deepEqual(first.events(), [
      "model_artifact_missing",
      "model_trained",
      "model_artifact_written",
    ]);
    assert.deepEqual(await listDir(dir), [ownerRecordName(NAME), NAME]);

    const second = setup(dir);
    const loaded = await loadModel(second.options);
    assert.equal(loaded.source, `loaded from artifact ${NAME}`);
    assert.equal(loaded.model.contentHash, trained.model.contentHash);
    assert.ok(loaded.model.info.createdAt);
    assert.deepEqual(second.events(), ["model_loaded"]);
  });
});

Deno.test("loadModel() throws saying why when missing and training is off", async () => {
  await withDir(async (dir) => {
    const { options } = setup(dir, { trainIfMissing: false });
    await assert.rejects(loadModel(options), {
      message: `No model artifact at ${NAME} and TRAIN_IF_MISSING is off: ` +
        `run "deno task train" or set TRAIN_IF_MISSING=1`,
    });
  });
});

Deno.test("loadModel() retrains over its own artifact on a config mismatch and logs both configs", async () => {
  await withDir(async (dir) => {
    await loadModel(setup(dir).options);
    const wanted = { ...CONFIG, contamination: 0.1 };
    const { options, lines } = setup(dir, { config: wanted });
    const { model, source } = await loadModel(options);
    assert.match(source, /^trained at startup: artifact .* had another config$/);
    assert.equal(model.info.config.contamination, 0.1);
    assert.equal(model.info.warning, undefined);
    const mismatch = lines.find((l) => l.event === "model_config_mismatch");
    assert.ok(mismatch);
    assert.equal(mismatch.level, "warn");
    assert.deepEqual(mismatch.artifact_config, CONFIG);
    assert.deepEqual(mismatch.expected_config, wanted);
    assert.equal(mismatch.made_by_service, true);
    assert.equal(mismatch.action, "retrain");
    const onDisk = parseArtifact(await Deno.readTextFile(`${dir}/${NAME}`));
    assert.equal(onDisk.contentHash, model.contentHash);
    assert.equal(
      (await Deno.readTextFile(`${dir}/${ownerRecordName(NAME)}`)).trim(),
      model.contentHash,
    );
  });
});

Deno.test("loadModel() refuses its own mismatched artifact when training is off", async () => {
  await withDir(async (dir) => {
    await loadModel(setup(dir).options);
    const { options } = setup(dir, { config: { ...CONFIG, seed: 7 }, trainIfMissing: false });
    await assert.rejects(loadModel(options), /was trained with another config .*"seed":42/);
  });
});

Deno.test("loadModel() serves an artifact it did not make as it is on a config mismatch, never replacing it", async () => {
  await withDir(async (dir) => {
    // Made by `deno task train` (writeArtifact without the service's record), and another that
    // replaced one the service had made: neither is the service's to replace.
    for (const before of ["nothing", "service"]) {
      if (before === "service") await loadModel(setup(dir, { config: CONFIG }).options);
      const theirs = trainModel({ ...CONFIG, contamination: 0.2, seed: 9 });
      await writeArtifact(theirs, { dir, name: NAME });
      const bytes = await Deno.readTextFile(`${dir}/${NAME}`);
      for (const trainIfMissing of [true, false]) {
        const { options, lines } = setup(dir, { trainIfMissing });
        const { model, source } = await loadModel(options);
        assert.equal(model.contentHash, theirs.contentHash);
        assert.equal(
          source,
          `loaded from artifact ${NAME} (not made by this service; config differs)`,
        );
        assert.equal(model.info.source, source);
        assert.match(
          model.info.warning!,
          /not made by this service .*\(CONTAMINATION 0\.2 \(configured 0\.05\), SEED 9 \(configured 42\)\); it is served as it is and never overwritten/,
        );
        const mismatch = lines.find((l) => l.event === "model_config_mismatch");
        assert.equal(mismatch?.made_by_service, false);
        assert.equal(mismatch?.action, "serve_artifact_as_is");
        assert.ok(!lines.some((l) => l.event === "model_trained"));
        assert.equal(await Deno.readTextFile(`${dir}/${NAME}`), bytes);
      }
    }
  });
});

Deno.test("loadModel() serves an artifact with other features as it is, never replacing it", async () => {
  await withDir(async (dir) => {
    const rows = 300;
    const data = new Float64Array(rows * 2).map((_, i) => (i * 7919) % 101);
    const theirs = trainModel({ ...CONFIG, trainingSize: rows }, {
      data,
      features: ["u", "i"],
      evaluation: false,
    });
    await writeArtifact(theirs, { dir, name: NAME });
    const bytes = await Deno.readTextFile(`${dir}/${NAME}`);
    const { options, events } = setup(dir);
    const { model } = await loadModel(options);
    assert.deepEqual(model.features, ["u", "i"]);
    assert.equal(model.contentHash, theirs.contentHash);
    assert.match(
      model.info.warning ?? "",
      /not made by this service and differs from the configured model \(.*features u,i \(configured voltage,current,frequency\)\); it is served as it is/,
    );
    assert.ok(!events().includes("model_trained"));
    assert.equal(await Deno.readTextFile(`${dir}/${NAME}`), bytes);
    assert.deepEqual(await listDir(dir), [NAME]);
  });
});

Deno.test("loadModel() serves a temporal artifact someone trained, with a warning", async () => {
  await withDir(async (dir) => {
    const rows = simulate(400, { seed: 4 });
    const temporal = fitTemporal(toMatrix(rows), FEATURES, { window: 6, contamination: 0.02 }, {
      meters: null,
    });
    await writeArtifact(temporal, { dir, name: NAME });
    const { options, events } = setup(dir);
    const { model, source } = await loadModel(options);
    assert.ok(model instanceof TemporalModel);
    assert.equal(model.contentHash, temporal.contentHash);
    assert.match(source, /not made by this service; another model/);
    assert.match(
      model.info.warning ?? "",
      /detector temporal_window \(configured isolation_forest\)/,
    );
    assert.ok(!events().includes("model_trained"));
  });
});

Deno.test("loadModel() moves a corrupt artifact aside and retrains", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/${NAME}`, '{"format": "grid-anomaly/isolation-fo');
    const { options, lines } = setup(dir);
    const { model, source } = await loadModel(options);
    assert.match(source, /unusable \(Artifact is not valid JSON: .*\); moved it to .*\.corrupt-/);
    const corrupt = lines.find((l) => l.event === "model_artifact_corrupt");
    assert.ok(corrupt);
    assert.match(String(corrupt.reason), /^Artifact is not valid JSON/);
    const names = (await listDir(dir)).filter((n) => n !== ownerRecordName(NAME));
    assert.equal(names.length, 2);
    assert.equal(names[0], NAME);
    assert.match(names[1], /^isolation_forest\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    assert.equal(
      await Deno.readTextFile(`${dir}/${names[1]}`),
      '{"format": "grid-anomaly/isolation-fo',
    );
    assert.equal(
      parseArtifact(await Deno.readTextFile(`${dir}/${NAME}`)).contentHash,
      model.contentHash,
    );
  });
});

Deno.test("loadModel() with training off moves a corrupt artifact aside and says why", async () => {
  await withDir(async (dir) => {
    const text = (await Deno.readTextFile(
      await writeArtifact(trainModel(CONFIG), {
        dir,
        name: NAME,
      }),
    )).replace('"threshold": 0.', '"threshold": 0.1');
    await Deno.writeTextFile(`${dir}/${NAME}`, text);
    const { options } = setup(dir, { trainIfMissing: false });
    await assert.rejects(
      loadModel(options),
      new RegExp(
        `^Error: Model artifact ${NAME} is unusable \\(Artifact content hash .* does not ` +
          `match its version .*\\); moved it to ${NAME}\\.corrupt-.*TRAIN_IF_MISSING is off`,
      ),
    );
    const names = await listDir(dir);
    assert.equal(names.length, 1);
    assert.match(names[0], /\.corrupt-/);
  });
});

Deno.test("loadModel() treats a directory in the artifact's place as unusable", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/${NAME}`);
    const { options } = setup(dir);
    const { source } = await loadModel(options);
    assert.match(source, /unusable \(it is not a regular file\)/);
  });
});

Deno.test("loadModel() still serves a trained model when the artifact cannot be written", async () => {
  await withDir(async (dir) => {
    // A file where the directory should be makes every write fail, even as root.
    await Deno.writeTextFile(`${dir}/blocker`, "");
    const { options, lines } = setup(`${dir}/blocker`);
    const { model } = await loadModel(options);
    assert.ok(model.threshold > 0);
    const failed = lines.find((l) => l.event === "model_write_failed");
    assert.ok(failed);
    assert.equal(failed.level, "warn");
  });
});

Deno.test("writeArtifact() is atomic under concurrent writers and leaves no temp files", async () => {
  await withDir(async (dir) => {
    const model = trainModel(CONFIG);
    await Promise.all(
      Array.from({ length: 8 }, () => writeArtifact(model, { dir, name: NAME })),
    );
    assert.deepEqual(await listDir(dir), [NAME]);
    assert.equal(
      parseArtifact(await Deno.readTextFile(`${dir}/${NAME}`)).contentHash,
      model.contentHash,
    );
  });
});

Deno.test("loadModel() follows a symlinked artifact (as Kubernetes mounts ConfigMaps)", async () => {
  await withDir(async (dir) => {
    const model = trainModel(CONFIG);
    await writeArtifact(model, { dir, name: "real.json" });
    await Deno.symlink(`${dir}/real.json`, `${dir}/${NAME}`);
    const loaded = await loadModel(setup(dir).options);
    assert.equal(loaded.source, `loaded from artifact ${NAME}`);
    assert.equal(loaded.model.contentHash, model.contentHash);

    await Deno.writeTextFile(`${dir}/bad.json`, "not json");
    await Deno.remove(`${dir}/${NAME}`);
    await Deno.symlink(`${dir}/bad.json`, `${dir}/${NAME}`);
    const retrained = await loadModel(setup(dir).options);
    assert.match(
      retrained.source,
      /unusable \(Artifact is not valid JSON.*moved it to .*\.corrupt-/,
    );
    assert.equal(await Deno.readTextFile(`${dir}/bad.json`), "not json");
  });
});

Deno.test("shownArtifactPath() keeps a plain relative MODEL_DIR and hides any other", () => {
  assert.equal(shownArtifactPath("models", NAME), `models/${NAME}`);
  assert.equal(shownArtifactPath("data/models/", NAME), `data/models/${NAME}`);
  assert.equal(shownArtifactPath("/app/models", NAME), NAME);
  assert.equal(shownArtifactPath("../../home/me/models", NAME), NAME);
  assert.equal(shownArtifactPath("~/models", NAME), NAME);
  assert.equal(shownArtifactPath("C:\\models", NAME), NAME);
});

Deno.test("loadModel() names an absolute MODEL_DIR nowhere in sources or errors", async () => {
  await withDir(async (dir) => {
    const trained = await loadModel(setup(dir).options);
    const loaded = await loadModel(setup(dir).options);
    await Deno.writeTextFile(`${dir}/${NAME}`, "not json");
    const error = await loadModel(setup(dir, { trainIfMissing: false }).options).then(
      () => "loaded",
      (err: Error) => err.message,
    );
    await Deno.remove(dir, { recursive: true });
    await Deno.mkdir(dir);
    await Deno.chmod(dir, 0o000);
    const unreadable = await loadModel(setup(dir, { trainIfMissing: false }).options).then(
      () => "loaded",
      (err: Error) => err.message,
    );
    await Deno.chmod(dir, 0o700);
    for (const text of [trained.source, loaded.source, error, unreadable]) {
      assert.ok(!text.includes(dir), text);
      assert.match(text, /isolation_forest\.json/);
    }
  });
});

import assert from "node:assert/strict";
import { ModelRegistry } from "../../backend/store/registry/mod.ts";
import { UsageError } from "./_common.ts";
import { captureIo, runTool, withTempDir } from "./_testing.ts";
import { main } from "./train.ts";

const SMALL = ["--n-estimators", "5", "--sample-size", "32", "--training-size", "300"];

Deno.test("train --register --alias challenger registers a version and moves the alias", async () => {
  await withTempDir(async (dir) => {
    const io = captureIo();
    assert.equal(await main([...SMALL, "--model-dir", dir, "--register"], io), 0);
    assert.equal(
      await main(
        [
          ...SMALL,
          "--contamination",
          "0.2",
          "--model-dir",
          dir,
          "--register",
          "--alias",
          "challenger",
        ],
        io,
      ),
      0,
    );
    const registry = new ModelRegistry(dir, { retention: 10 });
    const versions = await registry.list();
    assert.equal(versions.length, 2);
    const challenger = await registry.getAlias("challenger");
    assert.equal(
      challenger?.version,
      versions.find((v) => v.config.contamination === 0.2)?.version,
    );
    assert.equal(challenger?.updated_by, "deno task train");
    assert.equal(await registry.getAlias("champion"), null);
    assert.ok(
      ![...Deno.readDirSync(dir)].some((e) => e.name === "isolation_forest.json"),
      "the single artifact is not written with --register",
    );
    assert.ok(
      io.stdout.some((l) => /^challenger -> sha256:[0-9a-f]{12}; a running service/.test(l)),
    );
  });
});

Deno.test("train --register applies MODEL_RETENTION", async () => {
  await withTempDir(async (dir) => {
    const io = captureIo({ MODEL_RETENTION: "1" });
    for (const seed of ["1", "2", "3"]) {
      assert.equal(await main([...SMALL, "--seed", seed, "--model-dir", dir, "--register"], io), 0);
    }
    assert.equal((await new ModelRegistry(dir, { retention: 1 }).list()).length, 1);
    assert.equal(io.stdout.filter((l) => l.startsWith("Removed ")).length, 2);
  });
});

Deno.test("train rejects --alias without --register and unknown aliases", async () => {
  await assert.rejects(() => main(["--alias", "challenger"], captureIo()), UsageError);
  await assert.rejects(
    () => main(["--register", "--alias", "staging"], captureIo()),
    /--alias must be champion or challenger, got "staging"/,
  );
});

Deno.test("deno task train --register runs as a process and exits 0", async () => {
  await withTempDir(async (dir) => {
    const run = await runTool("train.ts", [
      ...SMALL,
      "--model-dir",
      dir,
      "--register",
      "--alias",
      "champion",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /champion -> sha256:[0-9a-f]{12}/);
  });
});

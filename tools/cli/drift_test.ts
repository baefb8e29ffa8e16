import assert from "node:assert/strict";
import { main } from "./drift.ts";
import { main as train } from "./train.ts";
import { readingsCsv, runMain, withTempDir } from "./_testing.ts";
import { simulate } from "../../lib/simulator/simulator.ts";
import { testApp } from "../../backend/tests/_app.ts";

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

Deno.test("drift --csv reports voltage drift for voltage_scale=1.02 and none for the training distribution", async () => {
  await withTempDir(async (dir) => {
    await trainInto(dir);
    // The training set's own stretch of the day (2,000 s from midnight), fresh noise.
    await Deno.writeTextFile(`${dir}/plain.csv`, readingsCsv(simulate(2_000, { seed: 77 })));
    await Deno.writeTextFile(
      `${dir}/shifted.csv`,
      readingsCsv(simulate(2_000, { seed: 78, shift: { voltageScale: 1.02 } })),
    );
    const plain = await runMain(main, "drift", [
      "--csv",
      `${dir}/plain.csv`,
      "--out",
      `${dir}/plain.html`,
      "--model-dir",
      dir,
    ]);
    assert.deepEqual(plain.stdout, [`Wrote ${dir}/plain.html: no drift`]);
    const shifted = await runMain(main, "drift", [
      "--csv",
      `${dir}/shifted.csv`,
      "--out",
      `${dir}/shifted.html`,
      "--model-dir",
      dir,
    ]);
    assert.match(shifted.stdout[0], /: drift in voltage/);
    assert.doesNotMatch(shifted.stdout[0], /current|frequency/);
    const html = await Deno.readTextFile(`${dir}/shifted.html`);
    assert.match(html, /<h2>voltage <span class="v drift">drift<\/span><\/h2>/);
    assert.match(html, /<h2>frequency <span class="v no_drift">no drift<\/span><\/h2>/);
    assert.equal(html.match(/<svg /g)?.length, 3);
    assert.doesNotMatch(html, /<script|(src|href)=|https?:\/\//);
  });
});

Deno.test("drift refuses a missing column, a bad value, and neither or both sources, naming the problem", async () => {
  await withTempDir(async (dir) => {
    await trainInto(dir);
    await Deno.writeTextFile(`${dir}/nov.csv`, "current,frequency\n" + "10,50\n".repeat(20));
    const nov = await runMain(main, "drift", ["--csv", `${dir}/nov.csv`, "--model-dir", dir], {
      code: 2,
    });
    assert.match(nov.stderr[0], /has no column voltage/);
    await Deno.writeTextFile(
      `${dir}/bad.csv`,
      "voltage,current,frequency\n" + "230,10,50\n".repeat(20) + "abc,10,50\n",
    );
    const bad = await runMain(main, "drift", ["--csv", `${dir}/bad.csv`, "--model-dir", dir], {
      code: 2,
    });
    assert.match(bad.stderr[0], /: CSV line 22, column "voltage": "abc" is not a finite number$/);
    // The cells are read as train and evaluate read them: a semicolon export with decimal commas.
    await Deno.writeTextFile(
      `${dir}/semi.csv`,
      "voltage;current;frequency\n" + "230,5;10,25;50,01\n".repeat(20),
    );
    const semi = await runMain(main, "drift", [
      ...["--csv", `${dir}/semi.csv`, "--model-dir", dir, "--out", `${dir}/semi.html`],
    ], { code: 0 });
    assert.match(semi.stdout.join("\n"), /Wrote .*semi\.html/);
    const neither = await runMain(main, "drift", [], { code: 2 });
    assert.match(neither.stderr[0], /either --csv FILE or --url URL/);
    const both = await runMain(main, "drift", ["--csv", "x.csv", "--url", "http://127.0.0.1:1"], {
      code: 2,
    });
    assert.match(both.stderr[0], /either --csv FILE or --url URL/);
  });
});

Deno.test("drift --url writes the live service's report of its window", async () => {
  await withTempDir(async (dir) => {
    const { app } = testApp({
      realModel: true,
      env: { DRIFT_WINDOW: "4000", DRIFT_MIN_READINGS: "100" },
    });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    try {
      const url = `http://127.0.0.1:${server.addr.port}`;
      const readings = simulate(300, { seed: 3, shift: { frequencyOffset: 0.2 } })
        .map(({ voltage, current, frequency }) => ({ voltage, current, frequency }));
      for (let i = 0; i < readings.length; i += 100) {
        const res = await fetch(`${url}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ readings: readings.slice(i, i + 100) }),
        });
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
      const io = await runMain(main, "drift", ["--url", url, "--out", `${dir}/live.html`]);
      assert.deepEqual(io.stdout, [`Wrote ${dir}/live.html: drift`]);
      assert.match(
        await Deno.readTextFile(`${dir}/live.html`),
        /<h2>frequency <span class="v drift">drift<\/span><\/h2>/,
      );
      const down = await runMain(main, "drift", [
        "--url",
        "http://127.0.0.1:1",
        "--out",
        `${dir}/x.html`,
      ], {
        code: 1,
      });
      assert.match(down.stderr[0], /Cannot reach http:\/\/127\.0\.0\.1:1\/models\/drift\/report/);
    } finally {
      await server.shutdown();
    }
  });
});

/**
 * A temporal model trained with `deno task train` and served by the real
 * process with two workers: every worker gives the same answer to the same
 * request (no replica-local state), and the model's own features are what
 * `/predict` accepts.
 */
import assert from "node:assert/strict";
import { runTool } from "../../tools/cli/_testing.ts";
import { trainCli } from "./_train_cli.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { startBackend } from "../../testing/backend_process.ts";

async function fresh(url: string, init: RequestInit = {}): Promise<unknown> {
  // A new connection per request lets the kernel pick a worker each time.
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const res = await fetch(url, { ...init, client } as RequestInit);
    return await res.json();
  } finally {
    client.close();
  }
}

Deno.test("a trained temporal artifact is served by every worker with the same answers", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fleet = simulateFleet({ seed: 8, meters: 2, readingsPerMeter: 900, intervalMs: 10_000 });
    const lines = [
      "meter,u,i,hz,y",
      ...fleet.readings.map((r) =>
        `${r.meter_id},${r.voltage},${r.current},${r.frequency},${r.anomaly ? 1 : 0}`
      ),
    ];
    await Deno.writeTextFile(`${dir}/fleet.csv`, lines.join("\n"));
    await trainCli([
      "--csv",
      `${dir}/fleet.csv`,
      "--features",
      "u,i,hz",
      "--label",
      "y",
      "--meter",
      "meter",
      "--detector",
      "temporal",
      "--model-dir",
      dir,
    ]);
    const backend = await startBackend({
      env: { MODEL_DIR: dir, MODEL_NAME: "temporal_window.json", WORKERS: "2" },
    });
    try {
      const readings = fleet.readings.slice(400, 432).map((r) => ({
        u: r.voltage,
        i: r.current,
        hz: r.frequency,
        meter_id: r.meter_id,
        timestamp: r.timestamp,
      }));
      const body = JSON.stringify({ readings });
      const answers = new Map<string, string>();
      for (let k = 0; k < 30 && answers.size < 2; k++) {
        const res = await fresh(`${backend.url}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        }) as { served_by: string; predictions: unknown[] };
        assert.equal(res.predictions.length, 32, JSON.stringify(res));
        // Verdicts without their ids: every id is unique (its request nonce).
        const verdicts = res.predictions.map((p) => ({ ...p as object, prediction_id: undefined }));
        answers.set(res.served_by, JSON.stringify(verdicts));
      }
      assert.equal(answers.size, 2, `served by ${[...answers.keys()].join(", ")}`);
      const [a, b] = [...answers.values()];
      assert.equal(a, b);
      const model = await fresh(`${backend.url}/model`) as Record<string, unknown>;
      assert.equal(model.name, "temporal_window");
      assert.deepEqual(model.features, ["u", "i", "hz"]);
      const wrong = await fresh(`${backend.url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ readings: [{ voltage: 230, current: 10, frequency: 50 }] }),
      }) as { status: number; errors: { message: string }[] };
      assert.equal(wrong.status, 422);
      assert.match(wrong.errors[0].message, /^readings\[0\]\.u is required/);
    } finally {
      await backend.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a temporal artifact named by MODEL_NAME serves beside a registry whose champion is a forest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await trainCli([
      "--register",
      "--alias",
      "champion",
      "--training-size",
      "2000",
      "--model-dir",
      dir,
    ]);
    await trainCli(["--detector", "temporal", "--model-dir", dir]);
    const refused = await runTool("train.ts", [
      "--detector",
      "temporal",
      "--register",
      "--model-dir",
      dir,
    ]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--register stores isolation forests/);

    const backend = await startBackend({
      env: { MODEL_DIR: dir, MODEL_NAME: "temporal_window.json", MODEL_POLL_S: "1" },
    });
    try {
      const model = await fresh(`${backend.url}/model`) as Record<string, unknown>;
      assert.equal(model.name, "temporal_window");
      // Without the temporal check the registry's forest champion would serve here.
      const res = await fresh(`${backend.url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          readings: [{ voltage: 230, current: 10, frequency: 50, meter_id: "m1" }],
        }),
      }) as { model_version: string };
      assert.equal(res.model_version, model.version);
    } finally {
      await backend.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

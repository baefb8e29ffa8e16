/**
 * The temporal detector as a first-class version: `deno task train
 * --detector temporal --register --alias challenger` puts it in the registry,
 * the real backend (two workers) shadows it against the forest champion,
 * promotes it through the admin API like any version, answers alike from
 * every worker with each meter's context carried by the request (scoring a
 * stream in two requests with `context` equals scoring it in one), shadows
 * the forest against it, and rolls back to the forest from the history.
 */
import assert from "node:assert/strict";
import { startBackend } from "../../testing/backend_process.ts";
import { waitFor } from "../../testing/poll.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { ModelRegistry } from "../store/registry/mod.ts";
import { tinyModel } from "./_models.ts";
import { trainCli } from "./_train_cli.ts";

const TOKEN = "temporal-champion-admin-0123456789";
const FOREST = tinyModel(0.05);

/** A request over a new connection, so the kernel picks a worker each time. */
async function fresh(url: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const res = await fetch(url, { ...init, client } as RequestInit);
    return { status: res.status, ...(await res.json()) };
  } finally {
    client.close();
  }
}

function post(body: unknown): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

function put(version: string, expected: string): RequestInit {
  return {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ version, expected_version: expected, reason: "temporal test" }),
  };
}

async function shadowed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split("\n").filter((l) => l.startsWith("shadow_predictions_total{"))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

Deno.test("a temporal model is registered, shadowed, promoted and rolled back like any version, answering alike on every worker", async () => {
  const dir = await Deno.makeTempDir({ prefix: "temporal-champion-" });
  try {
    const registry = new ModelRegistry(dir, { retention: 10 });
    await registry.register(FOREST, { source: "test" });
    await registry.setAlias("champion", FOREST.contentHash, "test");
    const out = await trainCli([
      "--detector",
      "temporal",
      "--register",
      "--alias",
      "challenger",
      "--model-dir",
      dir,
    ]);
    assert.match(out, /^Registered sha256:[0-9a-f]{64} in /m);
    const temporal = (await registry.getAlias("challenger"))!.version;
    assert.equal((await registry.meta(temporal))?.detector, "temporal_window");

    const backend = await startBackend({
      env: { MODEL_DIR: dir, WORKERS: "2", MODEL_POLL_S: "0.2", ADMIN_TOKEN: TOKEN },
    });
    try {
      const fleet = simulateFleet({ seed: 3, meters: 3, readingsPerMeter: 40 });
      const readings = fleet.readings.map((r) => ({
        voltage: r.voltage,
        current: r.current,
        frequency: r.frequency,
        meter_id: r.meter_id,
        timestamp: r.timestamp,
      }));
      // Shadowed against the forest champion.
      await fresh(`${backend.url}/predict`, post({ readings }));
      await waitFor(async () => (await shadowed(backend.url)) > 0 || undefined, {
        what: "the temporal challenger scoring in the forest's shadow",
      });

      // Promoted through the same API as any version (compare-and-set on the forest).
      const promoted = await fresh(
        `${backend.url}/models/aliases/champion`,
        put(temporal, FOREST.info.version),
      );
      assert.equal(promoted.status, 200, JSON.stringify(promoted));
      assert.equal(promoted.applied_here, true);
      const short = temporal.slice(0, 19);
      const seen = new Set<unknown>();
      await waitFor(async () => {
        const m = await fresh(`${backend.url}/model`);
        if (m.version === short && m.name === "temporal_window") {
          const h = await fresh(`${backend.url}/health`);
          seen.add(h.served_by);
        }
        return seen.size === 2 || undefined;
      }, { what: "both workers serving the temporal champion", timeoutMs: 20_000 });

      // Each meter's context travels with the request: any worker, one request or two, same answer.
      const perMeter = new Map<string, typeof readings>();
      for (const r of readings) perMeter.set(r.meter_id, [...(perMeter.get(r.meter_id) ?? []), r]);
      const window = Number(
        ((await fresh(`${backend.url}/model`)).config as { window: number })
          .window,
      );
      const first = [...perMeter.values()].flatMap((rs) => rs.slice(0, 20));
      const second = [...perMeter.values()].flatMap((rs) => rs.slice(20));
      const context = [...perMeter.values()].flatMap((rs) => rs.slice(20 - (window - 1), 20));
      const whole = new Map<string, string>();
      const split = new Map<string, string>();
      for (let k = 0; k < 40 && (whole.size < 2 || split.size < 2); k++) {
        const all = await fresh(
          `${backend.url}/predict`,
          post({ readings: [...first, ...second] }),
        );
        const tail = await fresh(`${backend.url}/predict`, post({ readings: second, context }));
        assert.equal(all.status, 200, JSON.stringify(all).slice(0, 300));
        assert.equal(tail.status, 200, JSON.stringify(tail).slice(0, 300));
        const scores = (p: unknown) =>
          JSON.stringify((p as { score: number }[]).map((x) => x.score));
        whole.set(
          String(all.served_by),
          scores((all.predictions as unknown[]).slice(first.length)),
        );
        split.set(String(tail.served_by), scores(tail.predictions));
      }
      assert.equal(whole.size, 2, "answers from both workers");
      const answers = new Set([...whole.values(), ...split.values()]);
      assert.equal(answers.size, 1, "every worker, in one request or two, gives the same scores");

      // The forest shadowed against the temporal champion, then rolled back to from the history.
      const before = await shadowed(backend.url);
      const challenger = await fresh(`${backend.url}/models/aliases/challenger`, {
        ...put(FOREST.contentHash, temporal),
      });
      assert.equal(challenger.status, 200, JSON.stringify(challenger));
      await fresh(`${backend.url}/predict`, post({ readings }));
      await waitFor(async () => (await shadowed(backend.url)) > before || undefined, {
        what: "the forest scoring in the temporal champion's shadow",
      });
      const history = await fresh(`${backend.url}/models/aliases/champion/history`);
      const back = (history.entries as { version: string }[])[1].version;
      assert.equal(back, FOREST.contentHash);
      const rolled = await fresh(`${backend.url}/models/aliases/champion`, put(back, temporal));
      assert.equal(rolled.status, 200, JSON.stringify(rolled));
      assert.equal((await fresh(`${backend.url}/model`)).name, "isolation_forest");
    } finally {
      await backend.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

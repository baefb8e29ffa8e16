/**
 * End to end, the model-loop alerts fire in a real Prometheus scraping the
 * real backend: a challenger that disagrees with the champion, labels that
 * dismiss the champion's alarms, a canary the guard rolls back (it flags
 * twice as many readings), and a champion alias naming a damaged version.
 * The rules are the shipped ones with `for` cut to 0 s so the test takes
 * seconds, not the minutes the rules wait in production; `prometheus_e2e_test.ts`
 * shows the same rules quiet under a normal workload.
 */
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import { startBackend } from "../testing/backend_process.ts";
import { waitFor } from "../testing/poll.ts";
import { skipUnless } from "../testing/tools.ts";
import { predictBodies } from "../loadtest/payload.ts";
import { trainModel } from "../backend/detector/mod.ts";
import { ModelRegistry } from "../backend/store/registry/mod.ts";

const here = (p: string) => new URL(p, import.meta.url).pathname;
const TOKEN = "loop-alerts-admin-token-0123456789";
const LOOP_ALERTS = [
  "AnomalyBackendCanaryRolledBack",
  "AnomalyBackendShadowDisagreement",
  "AnomalyBackendLowLivePrecision",
  "AnomalyBackendNotServingChampion",
];
const forest = (contamination: number) =>
  trainModel({ contamination, nEstimators: 50, sampleSize: 128, seed: 7, trainingSize: 2000 }, {
    evaluation: false,
  });

interface RuleFile {
  groups: { name: string; rules: { alert?: string; for?: string }[] }[];
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

Deno.test({
  name: "the model-loop alerts fire in Prometheus on a disagreeing challenger, dismissed alarms, " +
    "a rolled-back canary and a champion alias naming a damaged version",
  ignore: skipUnless("prometheus"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "loop-alerts-" });
    const models = `${dir}/models`;
    const registry = new ModelRegistry(models, { retention: 10 });
    const [champion, noisy, disagreeing, broken] = [0.05, 0.1, 0.3, 0.2].map(forest);
    for (const m of [champion, noisy, disagreeing, broken]) {
      await registry.register(m, { source: "test" });
    }
    await registry.setAlias("champion", champion.contentHash, "test");
    await registry.setAlias("challenger", disagreeing.contentHash, "test");
    const backend = await startBackend({
      env: {
        MODEL_DIR: models,
        ADMIN_TOKEN: TOKEN,
        MODEL_POLL_S: "0.5",
        CANARY_WINDOW_S: "10",
        CANARY_MIN_REQUESTS: "50",
      },
    });

    // The shipped config and rules, scraping this backend every second, `for` cut to 0 s.
    const config = parse(Deno.readTextFileSync(here("prometheus.yml"))) as {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    config.global.scrape_interval = "1s";
    config.global.evaluation_interval = "1s";
    config.rule_files = config.rule_files.map((f) => {
      const name = f.split("/").at(-1)!;
      const rules = parse(Deno.readTextFileSync(here(`rules/${name}`))) as RuleFile;
      for (const r of rules.groups.flatMap((g) => g.rules)) if (r.for) r.for = "0s";
      Deno.writeTextFileSync(`${dir}/${name}`, stringify(rules));
      return `${dir}/${name}`;
    });
    config.scrape_configs.find((c) => c.job_name === "anomaly-backend")!.static_configs = [{
      targets: [`127.0.0.1:${backend.port}`],
    }];
    Deno.writeTextFileSync(`${dir}/prometheus.yml`, stringify(config));
    const promPort = freePort();
    const prom = new Deno.Command("prometheus", {
      args: [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        "--log.level=warn",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const api = `http://127.0.0.1:${promPort}/api/v1`;
    const alerts = async () => {
      const body = await (await fetch(`${api}/alerts`)).json();
      return body.data.alerts as { labels: { alertname: string }; state: string }[];
    };
    const post = (path: string, body: unknown, admin = false) =>
      fetch(`${backend.url}${path}`, {
        method: path.startsWith("/models") ? "PUT" : "POST",
        headers: {
          "content-type": "application/json",
          ...(admin ? { authorization: `Bearer ${TOKEN}` } : {}),
        },
        body: JSON.stringify(body),
      });
    try {
      // The rollback counter must be scraped at 0 before it moves.
      await waitFor(async () => {
        const res = await fetch(
          `${api}/query?query=${encodeURIComponent("canary_rollbacks_total")}`,
        );
        return (await res.json()).data.result.length === 1 ? true : undefined;
      }, { what: "Prometheus to scrape the backend", timeoutMs: 60_000, intervalMs: 200 });

      const set = await post(
        "/models/aliases/canary",
        { version: noisy.contentHash, percent: 50 },
        true,
      );
      assert.equal(set.status, 200, await set.clone().text());
      await set.body?.cancel();

      // Normal readings until the guard removes the canary; the challenger shadows them all.
      const bodies = predictBodies(100, 16, { anomalyRate: 0, seed: 11 });
      const dismissed: string[] = [];
      let k = 0;
      await waitFor(async () => {
        for (let i = 0; i < 20; i++) {
          const res = await post("/predict", JSON.parse(bodies[k++ % bodies.length]));
          const answer = await res.json();
          assert.equal(res.status, 200, JSON.stringify(answer));
          if (answer.model_version !== champion.info.version) continue;
          for (const p of answer.predictions) if (p.anomaly) dismissed.push(p.prediction_id);
        }
        return (await registry.getAlias("canary")) === null && dismissed.length >= 50
          ? true
          : undefined;
      }, { what: "the canary guard's rollback", timeoutMs: 60_000, intervalMs: 0 });

      // Operators dismiss 50 of the champion's alarms: its live precision is 0. In two rounds:
      // increase() counts from the first scraped sample of feedback_total, which the first makes.
      const dismiss = async (ids: string[]) => {
        const res = await post("/feedback", {
          labels: ids.map((id) => ({ prediction_id: id, anomaly: false })),
        });
        assert.equal(res.status, 200, await res.clone().text());
        await res.body?.cancel();
      };
      await dismiss(dismissed.slice(0, 10));
      await waitFor(async () => {
        const q = encodeURIComponent('feedback_total{outcome="fp"}');
        const res = await fetch(`${api}/query?query=${q}`);
        return (await res.json()).data.result.length > 0 ? true : undefined;
      }, { what: "Prometheus to scrape feedback_total", timeoutMs: 30_000, intervalMs: 200 });
      await dismiss(dismissed.slice(10, 50));

      // The champion alias names a version whose file is damaged: the replica serves its previous.
      const path = registry.artifactPath(broken.contentHash);
      Deno.writeTextFileSync(path, Deno.readTextFileSync(path).slice(0, 200));
      Deno.writeTextFileSync(
        `${models}/aliases/champion.json`,
        JSON.stringify({
          alias: "champion",
          version: broken.contentHash,
          previous: champion.contentHash,
          updated_at: new Date().toISOString(),
          updated_by: "test",
          seq: 99,
          reason: "damaged on purpose",
        }),
      );

      // Keep the shadow traffic flowing while the alerts come up.
      let seen: string[] = [];
      const firing = await waitFor(async () => {
        for (let i = 0; i < 10; i++) {
          const res = await post("/predict", JSON.parse(bodies[k++ % bodies.length]));
          assert.equal(res.status, 200);
          await res.body?.cancel();
        }
        const now = (await alerts()).filter((a) => a.state === "firing").map((a) =>
          a.labels.alertname
        );
        seen = now;
        return LOOP_ALERTS.every((name) => now.includes(name)) ? now : undefined;
      }, { what: `${LOOP_ALERTS.join(", ")} firing`, timeoutMs: 60_000, intervalMs: 200 })
        .catch((err) => {
          throw new Error(`${err.message}; firing: ${seen.join(", ") || "none"}`);
        });
      assert.ok(firing.length >= LOOP_ALERTS.length);
    } finally {
      prom.kill("SIGTERM");
      await prom.status;
      await backend.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

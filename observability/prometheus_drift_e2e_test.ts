/**
 * End to end, the drift alerts: Debian's real Prometheus scrapes the real
 * backend with the project's rules (the `anomaly-drift` group's `for:`
 * shortened to 0 s so a test need not wait ten minutes; the expressions are
 * the shipped ones), `deno task load`'s bodies shifted by voltage_scale=1.02
 * arrive, and the KS, MMD and PSI drift alerts must fire, for voltage only.
 */
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import { startBackend } from "../testing/backend_process.ts";
import { waitFor } from "../testing/poll.ts";
import { skipUnless } from "../testing/tools.ts";
import { predictBodies } from "../loadtest/payload.ts";

const here = (p: string) => new URL(p, import.meta.url).pathname;

interface RuleFile {
  groups: { name: string; rules: { alert?: string; for?: string }[] }[];
}

Deno.test({
  name: "Prometheus fires the drift alerts on voltage_scale=1.02 traffic, for voltage only",
  ignore: skipUnless("prometheus"),
  async fn() {
    const backend = await startBackend({ env: { DRIFT_MIN_READINGS: "500" } });
    const dir = await Deno.makeTempDir({ prefix: "prom-drift-e2e-" });
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const promPort = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const rules = parse(Deno.readTextFileSync(here("rules/anomaly_backend.rules.yml"))) as RuleFile;
    const drift = rules.groups.find((g) => g.name === "anomaly-drift");
    assert.ok(drift, "the rules file has the anomaly-drift group");
    for (const rule of drift.rules) if (rule.for) rule.for = "0s";
    await Deno.writeTextFile(`${dir}/rules.yml`, stringify(rules));
    const config = parse(Deno.readTextFileSync(here("prometheus.yml"))) as {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    config.global.scrape_interval = "1s";
    config.global.evaluation_interval = "1s";
    config.rule_files = [`${dir}/rules.yml`];
    const job = config.scrape_configs.find((c) => c.job_name === "anomaly-backend")!;
    job.static_configs = [{ targets: [`127.0.0.1:${backend.port}`] }];
    await Deno.writeTextFile(`${dir}/prometheus.yml`, stringify(config));
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
    const firing = async () => {
      const body = await (await fetch(`${api}/alerts`)).json();
      return (body.data.alerts as { labels: Record<string, string>; state: string }[])
        .filter((a) => a.state === "firing")
        .map((a) => `${a.labels.alertname}${a.labels.feature ? `{${a.labels.feature}}` : ""}`)
        .sort();
    };
    try {
      await waitFor(async () => {
        const res = await fetch(`http://127.0.0.1:${promPort}/-/ready`);
        await res.body?.cancel();
        return res.ok ? true : undefined;
      }, { what: "Prometheus ready", timeoutMs: 60_000, intervalMs: 200 });
      for (
        const body of predictBodies(20, 64, { seed: 9, shift: { voltageScale: 1.02 } })
      ) {
        const res = await fetch(`${backend.url}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
      const alerts = await waitFor(async () => {
        const now = await firing();
        return now.includes("AnomalyBackendInputDrift{voltage}") &&
            now.includes("AnomalyBackendMultivariateDrift") &&
            now.includes("AnomalyBackendFeatureDrift{voltage}")
          ? now
          : undefined;
      }, { what: "the drift alerts firing", timeoutMs: 60_000, intervalMs: 500 });
      assert.deepEqual(alerts.filter((a) => /Drift/.test(a)), [
        "AnomalyBackendFeatureDrift{voltage}",
        "AnomalyBackendInputDrift{voltage}",
        "AnomalyBackendMultivariateDrift",
      ]);
    } finally {
      prom.kill("SIGTERM");
      await prom.status;
      await backend.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

import assert from "node:assert/strict";
import { parse } from "yaml";
import { createStreamMetrics } from "./stream_metrics.ts";
import { DEAD_LETTER_REASONS } from "./record.ts";
import { skipUnless } from "../../testing/tools.ts";

const RULES_DIR = new URL("../../observability/rules/", import.meta.url).pathname;

async function run(cmd: string, args: string[]) {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: RULES_DIR,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return {
    code: out.code,
    text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  };
}

Deno.test("createStreamMetrics() exports lag, latency, rebalances, restores, duplicates and dead letters", async () => {
  const metrics = createStreamMetrics();
  metrics.lag.set({ partition: "3" }, 42);
  metrics.e2eLatency.observe(0.012);
  const text = await metrics.registry.metrics();
  for (
    const name of [
      "stream_records_consumed_total",
      "stream_records_produced_total",
      "stream_consumer_lag",
      "stream_e2e_latency_seconds_bucket",
      "stream_rebalances_total",
      "stream_restore_seconds_bucket",
      "stream_duplicates_skipped_total",
      "stream_dead_letters_total",
      "stream_meter_windows",
      "stream_windows_evicted_total",
    ]
  ) assert.match(text, new RegExp(`^# (HELP|TYPE) ${name.replace(/_bucket$/, "")} `, "m"), name);
  assert.match(text, /^stream_consumer_lag\{partition="3"\} 42$/m);
  // Every reason is exported from the start, so a rate() over it exists before the first one.
  for (const reason of DEAD_LETTER_REASONS) {
    assert.match(text, new RegExp(`^stream_dead_letters_total\\{reason="${reason}"\\} 0$`, "m"));
  }
});

Deno.test("the stream rules use only metrics the scorer exports", async () => {
  const names = new Set<string>();
  for (const m of await createStreamMetrics().registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === "histogram") {
      for (const s of ["_bucket", "_sum", "_count"]) names.add(m.name + s);
    }
  }
  const file = parse(Deno.readTextFileSync(`${RULES_DIR}anomaly_stream.rules.yml`)) as {
    groups: { rules: { record?: string; expr: string }[] }[];
  };
  const rules = file.groups.flatMap((g) => g.rules);
  const recorded = new Set(rules.flatMap((r) => r.record ? [r.record] : []));
  for (const r of rules) {
    for (
      const m of r.expr.replace(/"[^"]*"/g, '""').matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]/g)
    ) {
      assert.ok(names.has(m[1]) || recorded.has(m[1]), `unknown metric ${m[1]} in ${r.expr}`);
    }
  }
});

Deno.test(
  "promtool test rules: the stream alerts fire and stay quiet in their unit tests",
  { ignore: skipUnless("promtool") },
  async () => {
    const check = await run("promtool", ["check", "rules", "anomaly_stream.rules.yml"]);
    assert.equal(check.code, 0, check.text);
    const test = await run("promtool", ["test", "rules", "anomaly_stream.rules_test.yml"]);
    assert.equal(test.code, 0, test.text);
    assert.match(test.text, /SUCCESS/);
  },
);

import assert from "node:assert/strict";
import {
  candidate,
  driftLevel,
  fetchModels,
  percent,
  postFeedback,
  removeAlias,
  removeChallenger,
  setAlias,
} from "./models_api.ts";

type Seen = { url: string; method: string; headers: Headers; body: string | null };

async function withFetch(fn: (seen: Seen[]) => Promise<void>) {
  const original = globalThis.fetch;
  const seen: Seen[] = [];
  globalThis.fetch = ((input: string, init: RequestInit = {}) => {
    seen.push({
      url: String(input),
      method: init.method ?? "GET",
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? init.body : null,
    });
    return Promise.resolve(Response.json({ ok: true }));
  }) as typeof fetch;
  try {
    await fn(seen);
  } finally {
    globalThis.fetch = original;
  }
}

Deno.test("models_api sends the admin token on alias changes only", async () => {
  await withFetch(async (seen) => {
    await fetchModels();
    await postFeedback([{ voltage: 230, current: 10, frequency: 50, anomaly: false }]);
    await setAlias("champion", "sha256:0123456789ab", "tok-0123456789abcdef");
    await removeChallenger("tok-0123456789abcdef");
    await setAlias("canary", "sha256:0123456789ab", "tok-0123456789abcdef", 12.5);
    await removeAlias("canary", "tok-0123456789abcdef");
    assert.deepEqual(seen.map((s) => [s.method, s.url, s.headers.get("authorization")]), [
      ["GET", "/api/models", null],
      ["POST", "/api/feedback", null],
      ["PUT", "/api/models/aliases/champion", "Bearer tok-0123456789abcdef"],
      ["DELETE", "/api/models/aliases/challenger", "Bearer tok-0123456789abcdef"],
      ["PUT", "/api/models/aliases/canary", "Bearer tok-0123456789abcdef"],
      ["DELETE", "/api/models/aliases/canary", "Bearer tok-0123456789abcdef"],
    ]);
    assert.deepEqual(JSON.parse(seen[4].body!), { version: "sha256:0123456789ab", percent: 12.5 });
    assert.deepEqual(JSON.parse(seen[1].body!), {
      readings: [{ voltage: 230, current: 10, frequency: 50, anomaly: false }],
    });
    assert.deepEqual(JSON.parse(seen[2].body!), { version: "sha256:0123456789ab" });
  });
});

Deno.test("driftLevel() and percent() put figures into words", () => {
  assert.equal(driftLevel(0.02), "no shift");
  assert.equal(driftLevel(0.1), "moderate");
  assert.equal(driftLevel(0.25), "moderate");
  assert.equal(driftLevel(0.4), "significant");
  assert.equal(percent(0.1234), "12.3 %");
  assert.equal(percent(null), "—");
  assert.equal(percent(NaN), "—");
});

Deno.test("candidate() gathers the evaluation, live precision and shadow agreement of a version", () => {
  const version = {
    version: `sha256:${"b".repeat(64)}`,
    model_version: "sha256:bbbbbbbbbbbb",
    created_at: "2026-01-01T00:00:00Z",
    source: "test",
    aliases: ["challenger" as const],
    config: { contamination: 0.1, nEstimators: 10, seed: 1 },
    evaluation: { precision: 0.9, recall: 0.7 },
  };
  const feedback = { tp: 3, fp: 1, fn: 0, tn: 4, precision: 0.75, recall: 1 };
  const models = {
    aliases: { champion: null, challenger: null },
    serving: {
      served_by: "p:1",
      champion: null,
      challenger: null,
      shadowing: true,
      shadow_rate: 1,
      poll_interval_s: 5,
    },
    retention: 10,
    versions: [version],
    experiment: {
      champion: "sha256:aaaaaaaaaaaa",
      challenger: "sha256:bbbbbbbbbbbb",
      started_at: "2026-01-01T00:00:00Z",
      counted_since: "2026-01-01T00:00:00Z",
    },
    monitoring: {
      champion: { readings: 0, anomalies: 0, anomaly_rate: null },
      shadow: { agree: 9, disagree: 1, agreement: 0.9, anomalies: 0, anomaly_rate: 0, dropped: 0 },
      drift: {
        verdict: "insufficient_data" as const,
        window: { readings: 0, min_readings: 500, capacity: 5000, max_age_s: 300 },
        reference_rows: 1000,
        reference_match: "all_rows" as const,
        thresholds: {
          alpha: 0.01,
          per_test_alpha: 0.0025,
          correction: "bonferroni" as const,
          min_ks_statistic: 0.15,
        },
        features: {},
        multivariate: {
          test: "mmd" as const,
          statistic: null,
          p_value: null,
          verdict: "insufficient_data" as const,
        },
      },
      feedback: { "sha256:bbbbbbbbbbbb": feedback },
    },
  };
  assert.deepEqual(candidate(models, version), {
    model_version: "sha256:bbbbbbbbbbbb",
    evaluation: { precision: 0.9, recall: 0.7 },
    livePrecision: 0.75,
    labels: 8,
    shadowed: true,
    agreement: 0.9,
  });
  const other = { ...version, model_version: "sha256:cccccccccccc", evaluation: null };
  assert.deepEqual(candidate(models, other), {
    model_version: "sha256:cccccccccccc",
    evaluation: null,
    livePrecision: null,
    labels: 0,
    shadowed: false,
    agreement: null,
  });
});

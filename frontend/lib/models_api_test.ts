import assert from "node:assert/strict";
import {
  driftLevel,
  fetchModels,
  percent,
  postFeedback,
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
    assert.deepEqual(seen.map((s) => [s.method, s.url, s.headers.get("authorization")]), [
      ["GET", "/api/models", null],
      ["POST", "/api/feedback", null],
      ["PUT", "/api/models/aliases/champion", "Bearer tok-0123456789abcdef"],
      ["DELETE", "/api/models/aliases/challenger", "Bearer tok-0123456789abcdef"],
    ]);
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

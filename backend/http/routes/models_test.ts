import assert from "node:assert/strict";
import { routeTable } from "../route_table.ts";
import { ModelRegistry } from "../../store/registry/mod.ts";
import { testApp } from "../../tests/_app.ts";
import { tinyModel } from "../../tests/_models.ts";

const TOKEN = "test-admin-token-0123456789";
const a = tinyModel(0.05);
const b = tinyModel(0.2);

async function withApp(
  env: Record<string, string>,
  fn: (
    ctx: ReturnType<typeof testApp> & { registry: ModelRegistry; refreshed: () => number },
  ) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "models-route-" });
  try {
    const registry = new ModelRegistry(dir, { retention: 5 });
    await registry.register(a, { source: "first", createdAt: "2026-01-01T00:00:00Z" });
    await registry.register(b, { source: "second", createdAt: "2026-01-02T00:00:00Z" });
    await registry.setAlias("champion", a.contentHash, "test");
    let refreshed = 0;
    const ctx = testApp({
      env: { MODEL_DIR: dir, ...env },
      refreshModels: () => {
        refreshed++;
        return Promise.resolve();
      },
    });
    await fn({ ...ctx, registry, refreshed: () => refreshed });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const put = (_alias: string, body: unknown, token: string | null = TOKEN) => ({
  method: "PUT",
  headers: {
    "content-type": "application/json",
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  body: JSON.stringify(body),
});

Deno.test("GET /models lists versions newest first with aliases and what this replica serves", async () => {
  await withApp({}, async ({ app }) => {
    const res = await app.request("/models");
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.aliases.champion.version, a.contentHash);
    assert.equal(body.aliases.champion.model_version, a.info.version);
    assert.equal(body.aliases.challenger, null);
    assert.deepEqual(body.versions.map((v: { source: string }) => v.source), ["second", "first"]);
    assert.deepEqual(body.versions[1].aliases, ["champion"]);
    assert.equal(body.versions[0].config.contamination, 0.2);
    assert.equal(body.versions[0].drift_reference, true);
    assert.equal(body.serving.champion, "sha256:fake00000000");
    assert.equal(body.serving.challenger, null);
    assert.equal(body.serving.poll_interval_s, 5);
    assert.equal(body.monitoring.shadow.agreement, null);
    assert.deepEqual(body.monitoring.feedback, {});
  });
});

Deno.test("GET /models reports the current experiment, shadow figures and stored live precision", async () => {
  await withApp({}, async ({ app, lifecycle }) => {
    lifecycle.setChallenger(b);
    const readings = [{ voltage: 230, current: 10, frequency: 50 }, {
      voltage: 300,
      current: 10,
      frequency: 50,
    }];
    const answer = await (await app.request("/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ readings }),
    })).json();
    await lifecycle.idle();
    const labels = answer.predictions.map((p: { prediction_id: string }, i: number) => ({
      prediction_id: p.prediction_id,
      anomaly: i === 1,
    }));
    for (let i = 0; i < 5; i++) {
      const res = await app.request("/feedback", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ labels }),
      });
      assert.equal(res.status, 200);
    }
    const { monitoring, experiment } = await (await app.request("/models")).json();
    assert.equal(monitoring.champion.readings, 2);
    assert.equal(monitoring.shadow.agree + monitoring.shadow.disagree, 2);
    assert.deepEqual(monitoring.label_store, { state: "ok", detail: null });
    // Posted five times, counted once.
    assert.deepEqual(monitoring.feedback["sha256:fa0000000000"], {
      tp: 1,
      fp: 0,
      fn: 0,
      tn: 1,
      precision: 1,
      recall: 1,
    });
    const challenger = b.info.version.slice(0, 19);
    assert.equal(monitoring.feedback[challenger].tp + monitoring.feedback[challenger].fn, 1);
    assert.equal(experiment.champion, "sha256:fake00000000");
    assert.equal(experiment.challenger, challenger);
    assert.ok(!Number.isNaN(Date.parse(experiment.started_at)));
  });
});

Deno.test("admin endpoints answer 403 while ADMIN_TOKEN is unset", async () => {
  await withApp({}, async ({ app, registry }) => {
    const res = await app.request(
      "/models/aliases/challenger",
      put("x", { version: b.info.version }),
    );
    assert.equal(res.status, 403);
    assert.equal((await res.json()).type, "/docs#problem-forbidden");
    const del = await app.request("/models/aliases/challenger", { method: "DELETE" });
    assert.equal(del.status, 403);
    assert.equal(await registry.getAlias("challenger"), null);
  });
});

Deno.test("admin endpoints answer 401 with WWW-Authenticate for a missing or wrong token", async () => {
  await withApp({ ADMIN_TOKEN: TOKEN }, async ({ app, registry }) => {
    for (const token of [null, "wrong-token-0123456789", `${TOKEN}x`]) {
      const res = await app.request(
        "/models/aliases/champion",
        put("champion", { version: b.info.version }, token),
      );
      assert.equal(res.status, 401, String(token));
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer /);
      assert.equal((await res.json()).type, "/docs#problem-unauthorized");
    }
    assert.equal((await registry.getAlias("champion"))?.version, a.contentHash);
  });
});

Deno.test("PUT /models/aliases/challenger sets it, refreshes, and GET /models shows it", async () => {
  await withApp({ ADMIN_TOKEN: TOKEN }, async ({ app, registry, refreshed }) => {
    const res = await app.request(
      "/models/aliases/challenger",
      put("challenger", { version: b.info.version }),
    );
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.version, b.contentHash);
    assert.equal(body.model_version, b.info.version);
    assert.equal(body.converges_within_s, 5);
    assert.equal(body.updated_by, "admin", "the actor is the admin token's name");
    assert.equal(refreshed(), 1);
    assert.equal((await registry.getAlias("challenger"))?.version, b.contentHash);
  });
});

Deno.test("PUT /models/aliases/champion promotes and records the rollback target", async () => {
  await withApp({ ADMIN_TOKEN: TOKEN }, async ({ app }) => {
    const promote = await app.request(
      "/models/aliases/champion",
      put("champion", { version: b.contentHash }),
    );
    assert.equal(promote.status, 200);
    assert.equal((await promote.json()).previous, a.contentHash);
    const rollback = await app.request(
      "/models/aliases/champion",
      put("champion", { version: a.info.version }),
    );
    assert.equal((await rollback.json()).previous, b.contentHash);
  });
});

Deno.test("PUT /models/aliases rejects bad and unknown versions with 422 and 404", async () => {
  await withApp({ ADMIN_TOKEN: TOKEN }, async ({ app }) => {
    const cases: [unknown, number, RegExp][] = [
      [{}, 422, /version must be a string, got undefined/],
      [{ version: "latest" }, 422, /12 to 64 lowercase hex digits/],
      [[1], 422, /The body must be a JSON object/],
      [{ version: "sha256:000000000000" }, 404, /No registered version matches/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await app.request("/models/aliases/champion", put("champion", body));
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match((await res.json()).detail, detail);
    }
    const notJson = await app.request("/models/aliases/champion", {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: "{",
    });
    assert.equal(notJson.status, 400);
  });
});

Deno.test("DELETE /models/aliases/challenger removes it; champion cannot be deleted", async () => {
  await withApp({ ADMIN_TOKEN: TOKEN }, async ({ app, registry }) => {
    await registry.setAlias("challenger", b.contentHash, "t");
    const auth = { authorization: `Bearer ${TOKEN}` };
    const res = await app.request("/models/aliases/challenger", {
      method: "DELETE",
      headers: auth,
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).removed, b.contentHash);
    assert.equal(await registry.getAlias("challenger"), null);
    const again = await app.request("/models/aliases/challenger", {
      method: "DELETE",
      headers: auth,
    });
    assert.equal((await again.json()).removed, null);
    const champion = await app.request("/models/aliases/champion", {
      method: "DELETE",
      headers: auth,
    });
    assert.equal(champion.status, 405);
    assert.equal(champion.headers.get("allow"), "PUT");
    const other = await app.request("/models/aliases/staging", put("staging", { version: "x" }));
    assert.equal(other.status, 404);
  });
});

Deno.test("GET /openapi.json documents every MLOps route and method the app registers", async () => {
  await withApp({}, async ({ app }) => {
    const doc = await (await app.request("/openapi.json")).json();
    for (
      const path of [
        "/models",
        "/models/aliases/champion",
        "/models/aliases/challenger",
        "/feedback",
      ]
    ) {
      const methods = routeTable(app.routes)[path].filter((m) => m !== "HEAD").map((m) =>
        m.toLowerCase()
      );
      assert.deepEqual(Object.keys(doc.paths[path]).sort(), methods.sort(), path);
    }
    assert.deepEqual(doc.paths["/models/aliases/champion"].put.security, [{ adminToken: [] }]);
    assert.equal(doc.components.securitySchemes.adminToken.scheme, "bearer");
    assert.ok(doc.components.schemas.ModelList && doc.components.schemas.FeedbackResponse);
  });
});

Deno.test("PUT /models/aliases/canary sets version and percent, records both, DELETE ends it", async () => {
  await withApp({ ADMIN_TOKEN: TOKEN }, async ({ app, registry, refreshed }) => {
    const res = await app.request(
      "/models/aliases/canary",
      put("canary", { version: b.info.version, percent: 10, reason: "retrained" }),
    );
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual([body.alias, body.version, body.percent], ["canary", b.contentHash, 10]);
    assert.equal(refreshed(), 1);
    // Compare-and-set on the canary too: a stale expected version changes nothing.
    const stale = await app.request(
      "/models/aliases/canary",
      put("canary", { version: b.info.version, percent: 50, expected_version: a.info.version }),
    );
    assert.equal(stale.status, 409);
    await stale.body?.cancel();
    const models = await (await app.request("/models")).json();
    assert.equal(models.aliases.canary.percent, 10);
    assert.deepEqual(models.versions[0].aliases, ["canary"]);
    assert.equal(models.canary.alias.model_version, b.info.version);
    assert.equal(models.canary.guard.window_s, 60);
    assert.equal(models.canary.last_rollback, null);
    const removed = await app.request("/models/aliases/canary", {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.deepEqual(await removed.json(), {
      alias: "canary",
      removed: b.contentHash,
      converges_within_s: 5,
    });
    const history = await (await app.request("/models/aliases/canary/history")).json();
    assert.deepEqual(
      history.entries.map((e: { version: string | null; percent?: number }) => [
        e.version,
        e.percent,
      ]),
      [[null, undefined], [b.contentHash, 10]],
    );
    assert.equal(await registry.getAlias("canary"), null);
  });
});

Deno.test("PUT /models/aliases/canary answers 422 naming a bad percent or field, 404 an unknown version", async () => {
  await withApp({ ADMIN_TOKEN: TOKEN }, async ({ app, registry }) => {
    const cases: [unknown, number, RegExp][] = [
      [{ version: b.info.version }, 422, /percent must be a number above 0 and at most 100/],
      [{ version: b.info.version, percent: 0 }, 422, /percent .* got 0/],
      [{ version: b.info.version, percent: 100.5 }, 422, /got 100.5/],
      [{ version: b.info.version, percent: "10" }, 422, /got "10"/],
      [
        { version: b.info.version, percent: 10, weight: 1 },
        422,
        /weight is not a field of a canary/,
      ],
      [{ version: "sha256:000000000000", percent: 10 }, 404, /No registered version/],
      [{ version: a.info.version, percent: 10 }, 422, /is the champion: a canary is another/],
      [[1], 422, /must be a JSON object/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await app.request("/models/aliases/canary", put("canary", body));
      const problem = await res.json();
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      assert.match(problem.detail, detail);
    }
    // The champion has no share: percent is an unknown field there.
    const champion = await app.request(
      "/models/aliases/champion",
      put("champion", { version: b.info.version, percent: 10 }),
    );
    assert.equal(champion.status, 422);
    assert.match((await champion.json()).detail, /percent is not a field of an alias change/);
    assert.equal(await registry.getAlias("canary"), null);
  });
});

Deno.test("PUT /models/aliases/canary refuses a damaged version with 422 and leaves the alias unset", async () => {
  await withApp({ ADMIN_TOKEN: TOKEN }, async ({ app, registry }) => {
    Deno.writeTextFileSync(registry.artifactPath(b.contentHash), '{"format":"truncated');
    const res = await app.request(
      "/models/aliases/canary",
      put("canary", { version: b.contentHash, percent: 10 }),
    );
    const problem = await res.json();
    assert.equal(res.status, 422, JSON.stringify(problem));
    assert.match(problem.type, /unusable-version/);
    assert.match(problem.detail, /alias canary is unchanged/);
    assert.equal(await registry.getAlias("canary"), null);
  });
});

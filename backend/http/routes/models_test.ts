import assert from "node:assert/strict";
import { ROUTES } from "../app.ts";
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

Deno.test("GET /models reports this replica's shadow and feedback figures", async () => {
  await withApp({}, async ({ app, lifecycle }) => {
    lifecycle.setChallenger(b);
    const readings = [{ voltage: 230, current: 10, frequency: 50 }, {
      voltage: 300,
      current: 10,
      frequency: 50,
    }];
    await app.request("/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ readings }),
    });
    await lifecycle.idle();
    await app.request("/feedback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ readings: readings.map((r, i) => ({ ...r, anomaly: i === 1 })) }),
    });
    const { monitoring } = await (await app.request("/models")).json();
    assert.equal(monitoring.champion.readings, 2);
    assert.equal(monitoring.shadow.agree + monitoring.shadow.disagree, 2);
    assert.equal(monitoring.feedback["sha256:fake00000000"].tp, 1);
    assert.equal(monitoring.feedback["sha256:fake00000000"].tn, 1);
    assert.equal(
      monitoring.feedback[b.info.version].tp + monitoring.feedback[b.info.version].fn,
      1,
    );
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
    assert.match(body.updated_by, /admin api \(test-pod:1\)/);
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
      [[1], 422, /version must be a string/],
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

Deno.test("GET /openapi.json documents every lifecycle route and method of ROUTES", async () => {
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
      const methods = ROUTES[path].filter((m) => m !== "HEAD").map((m) => m.toLowerCase());
      assert.deepEqual(Object.keys(doc.paths[path]).sort(), methods.sort(), path);
    }
    assert.deepEqual(doc.paths["/models/aliases/champion"].put.security, [{ adminToken: [] }]);
    assert.equal(doc.components.securitySchemes.adminToken.scheme, "bearer");
    assert.ok(doc.components.schemas.ModelList && doc.components.schemas.FeedbackResponse);
  });
});

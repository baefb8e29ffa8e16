import assert from "node:assert/strict";
import { openApiDocument } from "../openapi.ts";
import { ModelRegistry } from "../../store/registry/mod.ts";
import { testApp } from "../../tests/_app.ts";
import { tinyModel } from "../../tests/_models.ts";
import { schemaErrors } from "../../tests/_json_schema.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const TOKEN = "lifecycle-openapi-token-0123";
const doc: Json = openApiDocument({ maxBatch: 100, maxBodyBytes: 65_536 });
const schemas = doc.components.schemas;
const a = tinyModel(0.05);
const b = tinyModel(0.2);

/** The schema of `status` documented for `method path`. */
function documented(path: string, method: string, status: number): Json {
  const response = doc.paths[path][method.toLowerCase()].responses[String(status)];
  assert.ok(response, `${method} ${path} documents no ${status}`);
  return Object.values(response.content as Record<string, { schema: Json }>)[0].schema;
}

/** Send a request and check the answer against the documented schema of its status. */
async function conforming(
  app: ReturnType<typeof testApp>["app"],
  path: string,
  init: RequestInit & { method: string },
  status: number,
): Promise<Json> {
  const res = await app.request(path, init);
  const body = await res.json();
  assert.equal(res.status, status, JSON.stringify(body));
  assert.deepEqual(schemaErrors(body, documented(path, init.method, status), schemas), []);
  return body;
}

async function withRegistry(fn: (app: ReturnType<typeof testApp>["app"]) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "lifecycle-openapi-" });
  try {
    const registry = new ModelRegistry(dir, { retention: 5 });
    await registry.register(a, { source: "first" });
    await registry.register(b, { source: "second" });
    await registry.setAlias("champion", a.contentHash, "test");
    // A real model: the fake detector's version is not a real sha256 prefix.
    await fn(testApp({ env: { MODEL_DIR: dir, ADMIN_TOKEN: TOKEN }, realModel: true }).app);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const admin = (method: string, body?: unknown) => ({
  method,
  headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

Deno.test("schemaErrors() finds what breaks a documented schema (so the checks below can fail)", () => {
  const alias = {
    alias: "champion",
    version: a.contentHash,
    model_version: a.info.version,
    updated_at: "2026-01-01T00:00:00Z",
    updated_by: "test",
    previous: null,
  };
  assert.deepEqual(schemaErrors(alias, { $ref: "#/components/schemas/Alias" }, schemas), []);
  const { updated_by: _, ...withoutUpdatedBy } = alias;
  const errors = schemaErrors(
    { ...withoutUpdatedBy, alias: "shadow", version: "sha256:abc", previous: 3 },
    { $ref: "#/components/schemas/Alias" },
    schemas,
  );
  assert.equal(errors.length, 4, errors.join("\n"));
  assert.ok(errors.some((e) => e.startsWith("$.alias:")));
  assert.ok(errors.some((e) => e.startsWith("$.version:")));
  assert.ok(errors.some((e) => e === "$: missing updated_by"));
  assert.ok(errors.some((e) => e.startsWith("$.previous:")));
  assert.deepEqual(schemaErrors(1, { type: "string", foo: 1 }, schemas).length, 2);
});

Deno.test("GET /models answers what ModelList documents, before and after a challenger is set", async () => {
  await withRegistry(async (app) => {
    const before = await conforming(app, "/models", { method: "GET" }, 200);
    assert.equal(before.versions.length, 2);
    await conforming(
      app,
      "/models/aliases/challenger",
      admin("PUT", { version: b.info.version }),
      200,
    );
    const after = await conforming(app, "/models", { method: "GET" }, 200);
    assert.equal(after.aliases.challenger.version, b.contentHash);
  });
});

Deno.test("the alias endpoints answer what they document, errors included", async () => {
  await withRegistry(async (app) => {
    const change = await conforming(
      app,
      "/models/aliases/champion",
      admin("PUT", { version: b.contentHash }),
      200,
    );
    assert.equal(change.previous, a.contentHash);
    await conforming(app, "/models/aliases/challenger", admin("PUT", { version: "latest" }), 422);
    await conforming(
      app,
      "/models/aliases/challenger",
      admin("PUT", { version: "sha256:000000000000" }),
      404,
    );
    await conforming(app, "/models/aliases/challenger", { method: "DELETE" }, 401);
    await conforming(app, "/models/aliases/challenger", admin("DELETE"), 200);
  });
});

Deno.test("AliasRequest's documented pattern accepts exactly the version forms the route resolves", async () => {
  const pattern = new RegExp(schemas.AliasRequest.properties.version.pattern);
  await withRegistry(async (app) => {
    const hex = a.contentHash.slice("sha256:".length);
    const forms: [string, boolean][] = [
      [a.contentHash, true],
      [hex, true],
      [hex.slice(0, 12), true],
      [`sha256:${hex.slice(0, 12)}`, true],
      [hex.slice(0, 11), false],
      [hex.toUpperCase(), false],
      [`sha256:${hex}0`, false],
    ];
    for (const [version, accepted] of forms) {
      assert.equal(pattern.test(version), accepted, `pattern on ${version}`);
      const res = await app.request("/models/aliases/champion", admin("PUT", { version }));
      await res.body?.cancel();
      assert.equal(res.status === 200, accepted, `route on ${version}: ${res.status}`);
    }
  });
});

Deno.test("POST /feedback answers what FeedbackResponse documents, and its limit is MAX_BATCH", async () => {
  const { app } = testApp({ realModel: true });
  const readings = [
    { voltage: 280, current: 10, frequency: 50, anomaly: true },
    { voltage: 230, current: 10, frequency: 50, anomaly: false },
  ];
  const post = (body: unknown) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const body = await conforming(app, "/feedback", post({ readings }), 200);
  assert.equal(body.total, 2);
  const max = schemas.FeedbackRequest.properties.readings.maxItems;
  assert.equal(max, 100);
  const many = Array.from({ length: max + 1 }, () => readings[1]);
  await conforming(app, "/feedback", post({ readings: many }), 422);
  assert.deepEqual(
    schemaErrors({ readings: many }, { $ref: "#/components/schemas/FeedbackRequest" }, schemas),
    ["$.readings: too many items"],
  );
});

Deno.test("the canary endpoints answer what they document", async () => {
  await withRegistry(async (app) => {
    await conforming(
      app,
      "/models/aliases/canary",
      admin("PUT", { version: b.info.version, percent: 10 }),
      200,
    );
    await conforming(app, "/models/aliases/canary", admin("PUT", { version: b.info.version }), 422);
    const models = await conforming(app, "/models", { method: "GET" }, 200);
    assert.equal(models.canary.alias.percent, 10);
    await conforming(app, "/models/aliases/canary/history", { method: "GET" }, 200);
    await conforming(app, "/models/aliases/canary", admin("DELETE"), 200);
  });
});

import assert from "node:assert/strict";
import { ROUTES } from "./app.ts";
import { openApiDocument } from "./openapi.ts";
import { renderDocsPage } from "./docs_page.ts";
import { PROBLEMS } from "../../lib/problem.ts";
import { MODEL_SETTINGS } from "../detector/mod.ts";
import { testApp } from "../tests/_app.ts";
import { schemaErrors } from "../tests/_json_schema.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
// The document describes the API; these serve the document itself or the index of endpoints.
const SELF = new Set(["/", "/openapi.json", "/docs"]);

/** Every `$ref` in `node`, with where it was found. */
function refs(node: unknown, at = "#"): [string, string][] {
  if (Array.isArray(node)) return node.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === "$ref" ? [[v as string, at] as [string, string]] : refs(v, `${at}/${k}`)
  );
}

/** Each documented operation as [path, METHOD, operation]. */
function operations(doc: Json): [string, string, Json][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item as Json).map(([m, op]) =>
      [path, m.toUpperCase(), op] as [string, string, Json]
    )
  );
}

const doc: Json = openApiDocument({ maxBatch: 5_000, maxBodyBytes: 1_048_576 });

Deno.test("openApiDocument() is a structurally valid OpenAPI 3.1 document", () => {
  assert.match(doc.openapi, /^3\.1\.\d+$/);
  assert.equal(typeof doc.info.title, "string");
  assert.match(doc.info.version, /\S/);
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    assert.match(path, /^\/[a-z0-9_./{}-]*$/, path);
    for (const [method, op] of Object.entries(item as Json) as [string, Json][]) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(METHODS.includes(method), `${where}: not an HTTP method`);
      assert.match(op.operationId, /^[a-zA-Z][a-zA-Z0-9]*$/, where);
      assert.ok(!ids.has(op.operationId), `${where}: operationId ${op.operationId} twice`);
      ids.add(op.operationId);
      assert.equal(typeof op.summary, "string", where);
      const statuses = Object.keys(op.responses);
      assert.ok(statuses.length > 0, `${where}: no responses`);
      assert.ok(statuses.some((s) => s.startsWith("2")), `${where}: no success response`);
      for (const [status, response] of Object.entries(op.responses) as [string, Json][]) {
        assert.match(status, /^[1-5]\d\d$/, `${where} ${status}`);
        assert.equal(typeof response.description, "string", `${where} ${status}`);
        for (const [type, media] of Object.entries(response.content ?? {}) as [string, Json][]) {
          assert.match(type, /^[a-z]+\/[a-z0-9.+-]+$/, `${where} ${status}`);
          assert.ok(media.schema && typeof media.schema === "object", `${where} ${status} ${type}`);
        }
      }
      for (const p of op.parameters ?? []) {
        assert.ok(["query", "header", "path", "cookie"].includes(p.in), `${where} ${p.name}`);
        assert.equal(typeof p.name, "string", where);
        assert.ok(p.schema && typeof p.schema === "object", `${where} ${p.name}`);
      }
      if (op.requestBody) {
        assert.ok(op.requestBody.content["application/json"]?.schema, `${where}: body schema`);
      }
      for (const requirement of op.security ?? []) {
        for (const scheme of Object.keys(requirement)) {
          assert.ok(doc.components.securitySchemes[scheme], `${where}: scheme ${scheme}`);
        }
      }
    }
  }
});

Deno.test("openApiDocument() resolves every $ref and leaves no schema unused", () => {
  const found = refs(doc);
  assert.ok(found.length > 10);
  const used = new Set<string>();
  for (const [ref, at] of found) {
    const match = /^#\/components\/schemas\/([A-Za-z]+)$/.exec(ref);
    assert.ok(match, `${at}: ${ref} is not a local schema reference`);
    assert.ok(doc.components.schemas[match[1]], `${at}: ${ref} does not resolve`);
    used.add(match[1]);
  }
  for (const name of Object.keys(doc.components.schemas)) {
    assert.ok(used.has(name), `schema ${name} is never referenced`);
  }
});

Deno.test("openApiDocument() documents every route the app serves, and no other", () => {
  const served = Object.entries(ROUTES)
    .filter(([path]) => !SELF.has(path))
    .flatMap(([path, methods]) => methods.filter((m) => m !== "HEAD").map((m) => `${m} ${path}`))
    .sort();
  const documented = operations(doc).map(([path, method]) => `${method} ${path}`).sort();
  assert.deepEqual(documented, served);
});

Deno.test("every documented operation is answered by the app, never with 404 or 405", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openapi-test-" });
  try {
    const { app } = testApp({ env: { MODEL_DIR: dir, ADMIN_TOKEN: "openapi-test-token-0123" } });
    for (const [path, method, op] of operations(doc)) {
      const example = op.requestBody?.content["application/json"].example;
      const res = await app.request(path, {
        method,
        headers: { "content-type": "application/json", authorization: "Bearer x" },
        ...(example === undefined ? {} : { body: JSON.stringify(example) }),
      });
      await res.body?.cancel();
      assert.ok(![404, 405].includes(res.status), `${method} ${path}: ${res.status}`);
      assert.ok(res.status in op.responses, `${method} ${path}: ${res.status} is not documented`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every problem response names its status and title and links a section of /docs", () => {
  const page = renderDocsPage();
  let seen = 0;
  for (const [path, method, op] of operations(doc)) {
    for (const [status, response] of Object.entries(op.responses) as [string, Json][]) {
      const schema = response.content?.["application/problem+json"]?.schema;
      if (!schema) continue;
      seen++;
      assert.deepEqual(schema, { $ref: "#/components/schemas/Problem" });
      const type = /#problem-([a-z-]+) in \/docs\)$/.exec(response.description)?.[1];
      assert.ok(type && type in PROBLEMS, `${method} ${path} ${status}: ${response.description}`);
      const { status: expected, title } = PROBLEMS[type as keyof typeof PROBLEMS];
      assert.equal(Number(status), expected, `${method} ${path}: ${type}`);
      assert.ok(response.description.startsWith(title), `${method} ${path}: ${type}`);
      assert.ok(page.includes(`id="problem-${type}"`), `/docs has no section for ${type}`);
    }
  }
  assert.ok(seen >= 15, `only ${seen} problem responses`);
});

Deno.test("openApiDocument() states the configured limits where clients read them", () => {
  const small: Json = openApiDocument({ maxBatch: 77, maxBodyBytes: 12_345 });
  assert.match(
    small.info.description,
    /12345 bytes \(MAX_BODY_BYTES\) and 77 readings \(MAX_BATCH\)/,
  );
  assert.equal(small.components.schemas.PredictRequest.properties.readings.maxItems, 77);
  assert.equal(small.components.schemas.FeedbackRequest.properties.readings.maxItems, 77);
  const n = small.paths["/simulate"].get.parameters.find((p: Json) => p.name === "n");
  assert.deepEqual(n.schema, { type: "integer", minimum: 1, maximum: 77, default: 64 });
  const tiny: Json = openApiDocument({ maxBatch: 10, maxBodyBytes: 12_345 });
  const tinyN = tiny.paths["/simulate"].get.parameters.find((p: Json) => p.name === "n");
  assert.equal(tinyN.schema.default, 10, "the default n fits in one batch");
});

Deno.test("openApiDocument() describes the served model's features and the model settings", () => {
  const own: Json = openApiDocument({ maxBatch: 10, maxBodyBytes: 4_096, features: ["u", "i"] });
  assert.deepEqual(own.components.schemas.Reading.required, ["u", "i"]);
  const example = own.paths["/predict"].post.requestBody.content["application/json"].example;
  assert.deepEqual(Object.keys(example.readings[0]), ["u", "i"]);
  const workshop = doc.paths["/predict"].post.requestBody.content["application/json"].example;
  for (const reading of workshop.readings) {
    assert.deepEqual(Object.keys(reading), ["voltage", "current", "frequency"]);
  }
  const config = doc.components.schemas.ModelVersion.properties.config.properties;
  assert.deepEqual(Object.keys(config), MODEL_SETTINGS.map((s) => s.key));
  for (const s of MODEL_SETTINGS) {
    assert.equal(config[s.key].type, s.integer ? "integer" : "number", s.key);
  }
});

/** A body that sends its first byte and then stalls past BODY_TIMEOUT_MS. */
function stalledBody(): { body: ReadableStream<Uint8Array>; done: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("{"));
      timer = setTimeout(() => controller.close(), 1_000);
    },
  });
  return { body, done: () => clearTimeout(timer) };
}

Deno.test("every status an operation answers to bad input, missing auth or a loading model is documented", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openapi-test-" });
  const token = "openapi-test-token-0123";
  const json = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const apps = {
    ready: testApp({ env: { MODEL_DIR: dir, ADMIN_TOKEN: token, BODY_TIMEOUT_MS: "50" } }).app,
    loading: testApp({ env: { MODEL_DIR: dir, ADMIN_TOKEN: token }, notReady: true }).app,
    noAdmin: testApp({ env: { MODEL_DIR: dir } }).app,
  };
  const undocumented: string[] = [];
  try {
    for (const [path, method, op] of operations(doc)) {
      const example = op.requestBody?.content["application/json"].example;
      const valid = example === undefined ? {} : { body: JSON.stringify(example) };
      const tries: [keyof typeof apps, string, () => RequestInit & { done?: () => void }][] = [
        ["ready", "as documented", () => ({ method, headers: json, ...valid })],
        ["loading", "while loading", () => ({ method, headers: json, ...valid })],
        ["noAdmin", "without ADMIN_TOKEN", () => ({ method, headers: json, ...valid })],
        [
          "ready",
          "wrong token",
          () => ({ method, ...valid, headers: { ...json, authorization: "Bearer nope" } }),
        ],
      ];
      if (op.requestBody) {
        tries.push(
          ["ready", "malformed JSON", () => ({ method, headers: json, body: "{" })],
          [
            "ready",
            "text/plain",
            () => ({ method, headers: { ...json, "content-type": "text/plain" }, body: "{}" }),
          ],
          ["ready", "oversized", () => ({ method, headers: json, body: " ".repeat(70_000) })],
          [
            "ready",
            "invalid",
            () => ({ method, headers: json, body: '{"readings":[{}],"version":1}' }),
          ],
          ["ready", "stalled body", () => ({ method, headers: json, ...stalledBody() })],
        );
      }
      for (const [which, what, init] of tries) {
        const { done, ...request } = init();
        const res = await apps[which].request(new Request(`http://x${path}`, request));
        await res.body?.cancel();
        done?.();
        if (!(res.status in op.responses)) {
          undocumented.push(`${method} ${path} ${what}: ${res.status}`);
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.deepEqual(undocumented, []);
});

Deno.test("POST /predict answers what PredictResponse documents, reasons and problems included", async () => {
  const { app } = testApp({ realModel: true });
  const schemas = doc.components.schemas;
  const post = (body: unknown) =>
    app.request("/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const res = await post({
    readings: [
      { voltage: 230.1, current: 10.2, frequency: 50.01 },
      { voltage: 290, current: 60, frequency: 51.5 },
    ],
  });
  const body = await res.json();
  assert.equal(res.status, 200);
  assert.ok(body.predictions[1].reasons?.length > 0, "the swell is explained");
  assert.deepEqual(
    schemaErrors(body, { $ref: "#/components/schemas/PredictResponse" }, schemas),
    [],
  );
  const bad = await post({ readings: [{ voltage: "high" }] });
  assert.equal(bad.status, 422);
  assert.deepEqual(
    schemaErrors(await bad.json(), { $ref: "#/components/schemas/Problem" }, schemas),
    [],
  );
});

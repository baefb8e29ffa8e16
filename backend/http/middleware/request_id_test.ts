import assert from "node:assert/strict";
import { Hono } from "hono";
import { chooseRequestId, requestId, type RequestIdVariables } from "./request_id.ts";

Deno.test("chooseRequestId() keeps a sane incoming id and replaces anything else", () => {
  assert.equal(chooseRequestId("abc-123_X.y"), "abc-123_X.y");
  for (const bad of [undefined, null, "", "a b", "x".repeat(65), "id\r\nset-cookie: 1"]) {
    const id = chooseRequestId(bad);
    assert.match(id, /^[0-9a-f-]{36}$/, `for ${JSON.stringify(bad)}`);
  }
});

Deno.test("requestId() sets the id for handlers and returns it in X-Request-Id", async () => {
  const app = new Hono<{ Variables: RequestIdVariables }>();
  app.use(requestId());
  app.get("/", (c) => c.text(c.get("requestId")));
  app.get("/boom", () => {
    throw new Error("boom");
  });
  app.onError((_err, c) => c.text("failed", 500));
  const res = await app.request("/", { headers: { "x-request-id": "caller-1" } });
  assert.equal(await res.text(), "caller-1");
  assert.equal(res.headers.get("x-request-id"), "caller-1");
  const failed = await app.request("/boom");
  assert.equal(failed.status, 500);
  assert.match(failed.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
});

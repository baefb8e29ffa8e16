import assert from "node:assert/strict";
import { Hono } from "hono";
import { HttpError, problemResponse } from "../../../lib/problem.ts";
import { BodyAdmission } from "./body_budget.ts";
import { bodyRoute } from "./body_route.ts";
import { InflightLimit } from "./inflight_limit.ts";

function route(options: { ready?: () => void; maxInflight?: number; budget?: number } = {}) {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const reserved: number[] = [];
  const app = new Hono();
  app.post(
    "/",
    bodyRoute({
      inflight: new InflightLimit(options.maxInflight ?? 1),
      bodies: new BodyAdmission({
        budgetBytes: options.budget ?? 1000,
        maxBodyBytes: 500,
        onChange: (n) => reserved.push(n),
      }),
      read: { maxBytes: 500, timeoutMs: 1000 },
      ...(options.ready ? { ready: options.ready } : {}),
    }, async (c, body) => {
      await held;
      return c.json({ got: body });
    }),
  );
  app.onError((err) => problemResponse(err as HttpError, "test"));
  const post = (body: string, type = "application/json") =>
    app.request("/", { method: "POST", body, headers: { "content-type": type } });
  return { post, release, reserved };
}

Deno.test("bodyRoute() hands the parsed body to its handler and returns what it answers", async () => {
  const { post, release, reserved } = route();
  release();
  const res = await post('{"a":1}');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { got: { a: 1 } });
  assert.deepEqual(reserved.at(-1), 0, "the reservation is given back");
});

Deno.test("bodyRoute() sheds past MAX_INFLIGHT before reading, and counts a request out when it ends", async () => {
  const { post, release } = route({ maxInflight: 1 });
  const first = post("{}");
  const shed = await post("{}");
  assert.equal(shed.status, 503);
  assert.match((await shed.json()).detail, /MAX_INFLIGHT/);
  release();
  assert.equal((await first).status, 200);
  assert.equal((await post("{}")).status, 200, "the slot is free again");
});

Deno.test("bodyRoute() checks readiness before the body, and refuses bad bodies with their status", async () => {
  const notReady = route({
    ready: () => {
      throw new HttpError("not-ready", "no model");
    },
  });
  notReady.release();
  // Not JSON at all, yet the answer is about readiness: the body was never looked at.
  assert.equal((await notReady.post("x", "text/plain")).status, 503);
  const { post, release, reserved } = route();
  release();
  assert.equal((await post("{}", "text/plain")).status, 415);
  assert.equal((await post("{")).status, 400);
  assert.equal((await post(`"${"x".repeat(600)}"`)).status, 413);
  assert.equal(reserved.at(-1), 0, "every refusal gives its reservation back");
});

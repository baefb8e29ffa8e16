import assert from "node:assert/strict";
import { Hono } from "hono";
import { timing, type TimingVariables } from "./timing.ts";

Deno.test("timing() leaves the seconds the rest of the chain took for the middleware outside it", async () => {
  const seen: number[] = [];
  const app = new Hono<{ Variables: TimingVariables }>();
  app.use(async (c, next) => {
    await next();
    seen.push(c.get("elapsedSeconds"));
  });
  app.use(timing());
  app.get("/", async (c) => {
    await new Promise((r) => setTimeout(r, 20));
    return c.text("ok");
  });
  app.get("/boom", () => {
    throw new Error("boom");
  });
  app.onError((_err, c) => c.text("failed", 500));
  await app.request("/");
  await app.request("/boom");
  assert.equal(seen.length, 2);
  // A lower bound only: the handler waited 20 ms, so the figure cannot be less.
  assert.ok(seen[0] >= 0.019, `elapsed ${seen[0]} s`);
  assert.ok(Number.isFinite(seen[1]) && seen[1] >= 0, `elapsed ${seen[1]} s after an error`);
});

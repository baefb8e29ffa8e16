import assert from "node:assert/strict";
import { Hono } from "hono";
import { routeTable } from "./route_table.ts";

Deno.test("routeTable() lists each route once with its methods, HEAD beside GET, no middleware", () => {
  const app = new Hono();
  app.use(async (_c, next) => await next());
  app.get("/", (c) => c.text("i"));
  app.post("/predict", async (_c, next) => await next(), (c) => c.text("p"));
  app.route("/", new Hono().put("/a", (c) => c.text("a")).delete("/a", (c) => c.text("d")));
  assert.deepEqual(routeTable(app.routes), {
    "/": ["GET", "HEAD"],
    "/predict": ["POST"],
    "/a": ["PUT", "DELETE"],
  });
});

import assert from "node:assert/strict";
import { Hono } from "hono";
import {
  bodyBudget,
  bodyBytesGauge,
  CHUNKED_START_BYTES,
  reservationFor,
  workerBodyBudget,
} from "./body_budget.ts";
import type { JsonBodyVariables } from "./json_body.ts";
import { HttpError, problemResponse } from "../../../lib/problem.ts";
import { createMetrics } from "../../metrics/metrics.ts";

Deno.test("reservationFor() reserves the declared length up to the limit, else a first share", () => {
  assert.equal(reservationFor("1000", 65536), 1000);
  assert.equal(reservationFor("0", 65536), 0);
  assert.equal(reservationFor("10000000", 65536), 65536);
  for (const header of [null, undefined, "", "abc", "-5", "Infinity"]) {
    assert.equal(reservationFor(header, 1 << 20), CHUNKED_START_BYTES, String(header));
  }
  assert.equal(reservationFor(null, 1000), 1000, "never more than the limit");
});

/** An app whose handler waits for `release` so requests can be held in progress. */
function heldApp(budgetBytes: number) {
  const changes: number[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const app = new Hono<{ Variables: JsonBodyVariables }>();
  app.post(
    "/",
    bodyBudget({ budgetBytes, maxBodyBytes: 1000, onChange: (n) => changes.push(n) }),
    async (c) => {
      await held;
      return c.text(String(c.get("admitBodyBytes")?.(2000)));
    },
  );
  app.onError((err) => problemResponse(err as HttpError, "test"));
  const post = (length: number) =>
    app.request("/", {
      method: "POST",
      body: "x".repeat(length),
      headers: { "content-length": String(length) },
    });
  return { post, changes, release };
}

Deno.test("bodyBudget() answers 503 before reading once the budget is spent, and gives bytes back", async () => {
  const { post, changes, release } = heldApp(1000);
  const first = post(600);
  const refused = await post(600);
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get("retry-after"), "1");
  assert.match(
    (await refused.json()).detail,
    /would exceed 1000 bytes \(MAX_BODY_BYTES_IN_FLIGHT\)/,
  );
  release();
  const ok = await first;
  assert.equal(ok.status, 200);
  // Growing past MAX_BODY_BYTES is refused; the reservation is released after the response.
  assert.equal(await ok.text(), "false");
  assert.deepEqual(changes, [600, 0]);
  assert.equal((await post(1000)).status, 200, "the whole budget is free again");
});

Deno.test("bodyBytesGauge() keeps body_bytes_in_flight at the reserved bytes", async () => {
  const metrics = createMetrics();
  const onChange = bodyBytesGauge(metrics);
  onChange(4096);
  assert.equal((await metrics.bodyBytesInFlight.get()).values[0].value, 4096);
  onChange(0);
  assert.equal((await metrics.bodyBytesInFlight.get()).values[0].value, 0);
});

Deno.test("workerBodyBudget() admits within the worker's share and reports it in body_bytes_in_flight", async () => {
  const metrics = createMetrics();
  const app = new Hono<{ Variables: JsonBodyVariables }>();
  let seen = -1;
  app.post(
    "/",
    workerBodyBudget({ bodyBytesInFlightPerWorker: 4096, maxBodyBytes: 2048 }, metrics)
      .middleware(),
    async (c) => {
      seen = (await metrics.bodyBytesInFlight.get()).values[0].value;
      return c.text("ok");
    },
  );
  const res = await app.request("/", {
    method: "POST",
    body: "x".repeat(1500),
    headers: { "content-length": "1500" },
  });
  assert.equal(res.status, 200);
  assert.equal(seen, 1500, "the declared length is reserved while the request runs");
  assert.equal((await metrics.bodyBytesInFlight.get()).values[0].value, 0);
});

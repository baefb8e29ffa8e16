import assert from "node:assert/strict";
import { openApiDocument } from "../backend/http/openapi.ts";
import {
  BatchLimits,
  DEFAULT_MAX_BATCH,
  maxBatchFromOpenApi,
  offeredLimit,
  proxyCeiling,
  READING_JSON_BYTES,
} from "./batch_limit.ts";
import { UpstreamError, type UpstreamRequest, type UpstreamResponse } from "./upstream.ts";

const json = (value: unknown, status = 200): UpstreamResponse => ({
  status,
  headers: new Headers({ "content-type": "application/json" }),
  body: new TextEncoder().encode(JSON.stringify(value)),
  elapsedMs: 1,
});

/** A fake upstream answering each request with the next entry of `answers` (the last repeats). */
function fakeUpstream(answers: (() => Promise<UpstreamResponse>)[]) {
  const seen: UpstreamRequest[] = [];
  return {
    seen,
    request(req: UpstreamRequest): Promise<UpstreamResponse> {
      seen.push(req);
      return answers[Math.min(seen.length - 1, answers.length - 1)]!();
    },
  };
}

/** A BatchLimits over a fake upstream answering `answers` in turn, on a clock the test sets. */
function limitsOver(
  answers: (() => Promise<UpstreamResponse>)[],
  options: { ttlMs?: number; retryMs?: number; waitMs?: number } = {},
) {
  const clock = { now: 0 };
  const upstream = fakeUpstream(answers);
  const limits = new BatchLimits({
    upstream,
    maxBodyBytes: 1_048_576,
    now: () => clock.now,
    ...options,
  });
  return { limits, upstream, clock };
}

const doc = (maxBatch: number) => openApiDocument({ maxBatch, maxBodyBytes: 1_048_576 });

Deno.test("maxBatchFromOpenApi() reads MAX_BATCH from the backend's own OpenAPI document", () => {
  assert.equal(maxBatchFromOpenApi(doc(50)), 50);
  assert.equal(maxBatchFromOpenApi(doc(5_000)), 5_000);
});

Deno.test("maxBatchFromOpenApi() accepts an inline request schema and rejects what is not a limit", () => {
  const inline = {
    paths: {
      "/predict": {
        post: {
          requestBody: {
            content: {
              "application/json": { schema: { properties: { readings: { maxItems: 7 } } } },
            },
          },
        },
      },
    },
  };
  assert.equal(maxBatchFromOpenApi(inline), 7);
  for (const maxItems of [0, -3, 2.5, "50", null, Number.MAX_VALUE]) {
    const bad = {
      components: { schemas: { PredictRequest: { properties: { readings: { maxItems } } } } },
    };
    assert.equal(maxBatchFromOpenApi(bad), null, String(maxItems));
  }
  for (const value of [null, "x", [], {}, { components: [] }, { components: { schemas: null } }]) {
    assert.equal(maxBatchFromOpenApi(value), null, JSON.stringify(value));
  }
});

Deno.test("offeredLimit() offers the backend's limit, capped by the proxy's body limit, else the default", () => {
  assert.deepEqual(offeredLimit(500, 8_192), {
    maxBatch: 500,
    source: "backend",
    note: "the backend's MAX_BATCH",
  });
  const capped = offeredLimit(100_000, 8_192);
  assert.equal(capped.maxBatch, 8_192);
  assert.equal(capped.source, "proxy");
  assert.match(capped.note, /PROXY_MAX_BODY_BYTES.*MAX_BATCH is 100000/);
  const unknown = offeredLimit(null, 8_192, "connection refused");
  assert.equal(unknown.maxBatch, DEFAULT_MAX_BATCH);
  assert.equal(unknown.source, "default");
  assert.match(unknown.note, /MAX_BATCH is unknown \(connection refused\)/);
  assert.equal(offeredLimit(null, 10).maxBatch, 10);
});

Deno.test("proxyCeiling() is the readings a PROXY_MAX_BODY_BYTES body holds, at least 1", () => {
  assert.equal(proxyCeiling(1_048_576), Math.floor(1_048_576 / READING_JSON_BYTES));
  assert.equal(proxyCeiling(1), 1);
  // The margin is real: that many rounded simulated readings do fit the body.
  const reading = { voltage: 253.12, current: 10.123, frequency: 50.012 };
  const n = proxyCeiling(65_536);
  const body = JSON.stringify({ readings: Array.from({ length: n }, () => reading) });
  assert.ok(body.length <= 65_536, `${n} readings take ${body.length} bytes`);
});

Deno.test("BatchLimits.current() learns the limit once and answers from the cache until it is stale", async () => {
  const { limits, upstream, clock } = limitsOver([
    () => Promise.resolve(json(doc(50))),
    () => Promise.resolve(json(doc(80))),
  ], { ttlMs: 1_000 });
  assert.equal((await limits.current()).maxBatch, 50);
  assert.equal(upstream.seen[0]!.path, "/openapi.json");
  assert.equal(upstream.seen[0]!.method, "GET");
  clock.now = 999;
  assert.equal((await limits.current()).maxBatch, 50);
  assert.equal(upstream.seen.length, 1);
  clock.now = 1_000;
  assert.deepEqual(await limits.current(), {
    maxBatch: 80,
    source: "backend",
    note: "the backend's MAX_BATCH",
  });
  assert.equal(upstream.seen.length, 2);
});

Deno.test("BatchLimits.current() falls back to the default and says why when the backend is silent", async () => {
  const cases: [() => Promise<UpstreamResponse>, RegExp][] = [
    [() => Promise.reject(new UpstreamError("unreachable", "refused")), /could not be reached/],
    [() => Promise.reject(new UpstreamError("aborted", "gave up")), /did not answer in time/],
    [() => Promise.resolve(json({ type: "not-found" }, 404)), /answered HTTP 404/],
    [() => Promise.resolve(json({ openapi: "3.1.0" })), /does not publish it/],
    [() => Promise.resolve({ ...json(0), body: new TextEncoder().encode("<html>") }), /not JSON/],
  ];
  for (const [answer, why] of cases) {
    const { limits } = limitsOver([answer]);
    const limit = await limits.current();
    assert.equal(limit.maxBatch, DEFAULT_MAX_BATCH);
    assert.equal(limit.source, "default");
    assert.match(limit.note, why);
  }
});

Deno.test("BatchLimits.current() keeps a learned limit through a failure and retries sooner", async () => {
  const { limits, upstream, clock } = limitsOver([
    () => Promise.resolve(json(doc(50))),
    () => Promise.reject(new UpstreamError("unreachable", "refused")),
    () => Promise.resolve(json(doc(70))),
  ], { ttlMs: 10_000, retryMs: 100 });
  assert.equal((await limits.current()).maxBatch, 50);
  clock.now = 10_000;
  assert.equal((await limits.current()).maxBatch, 50, "the learned limit outlives a failure");
  assert.equal(upstream.seen.length, 2);
  clock.now = 10_050;
  assert.equal((await limits.current()).maxBatch, 50);
  assert.equal(upstream.seen.length, 2, "no retry before retryMs");
  clock.now = 10_100;
  assert.equal((await limits.current()).maxBatch, 70);
  assert.equal(upstream.seen.length, 3);
});

Deno.test("BatchLimits.current() retries an unknown limit after retryMs, not on every page", async () => {
  const { limits, upstream, clock } = limitsOver([
    () => Promise.reject(new UpstreamError("unreachable", "refused")),
    () => Promise.resolve(json(doc(60))),
  ], { retryMs: 500 });
  assert.equal((await limits.current()).source, "default");
  clock.now = 499;
  assert.equal((await limits.current()).source, "default");
  assert.equal(upstream.seen.length, 1);
  clock.now = 500;
  assert.equal((await limits.current()).maxBatch, 60);
});

Deno.test("BatchLimits.current() waits at most waitMs for a slow backend, sharing one request", async () => {
  let answer!: (res: UpstreamResponse) => void;
  const { limits, upstream } = limitsOver([() => new Promise((r) => (answer = r))], {
    waitMs: 20,
  });
  const [a, b] = await Promise.all([limits.current(), limits.current()]);
  assert.equal(upstream.seen.length, 1);
  for (const limit of [a, b]) {
    assert.equal(limit.source, "default");
    assert.match(limit.note, /did not answer in time/);
  }
  assert.ok(upstream.seen[0]!.signal, "the request carries its own timeout");
  answer(json(doc(40)));
  // Poll until the late answer has landed in the cache.
  const deadline = Date.now() + 2_000;
  let limit = await limits.current();
  while (limit.maxBatch !== 40 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
    limit = await limits.current();
  }
  assert.equal(limit.maxBatch, 40);
});

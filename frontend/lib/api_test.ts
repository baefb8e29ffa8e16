import assert from "node:assert/strict";
import { callJson, NEW_CONNECTION_HEADER, predict } from "./api.ts";

async function withFetch<T>(
  handler: (url: string, init?: RequestInit) => Response | Promise<Response>,
  fn: () => Promise<T>,
): Promise<T> {
  const original = globalThis.fetch;
  globalThis.fetch =
    ((input: string | URL | Request, init?: RequestInit) =>
      Promise.resolve(handler(String(input), init))) as typeof fetch;
  try {
    return await fn();
  } finally {
    globalThis.fetch = original;
  }
}

Deno.test("callJson() returns data and the round trip on success", async () => {
  // The answer takes at least 25 ms, so a round trip not measured (0) shows.
  const slow = async () => {
    await new Promise((r) => setTimeout(r, 25));
    return Response.json({ status: "ok" });
  };
  const out = await withFetch(slow, () => callJson("/api/health"));
  assert.equal(out.ok, true);
  if (out.ok) assert.deepEqual(out.data, { status: "ok" });
  assert.ok(out.latencyMs >= 20, `latencyMs ${out.latencyMs}`);
});

Deno.test("callJson() turns problem+json, /ready bodies, plain text and network errors into problems", async () => {
  const problem = await withFetch(
    () =>
      new Response(
        JSON.stringify({ title: "Backend unreachable", detail: "connection refused", status: 502 }),
        {
          status: 502,
          headers: { "content-type": "application/problem+json" },
        },
      ),
    () => callJson("/api/predict"),
  );
  assert.deepEqual(!problem.ok && problem.problem, {
    title: "Backend unreachable",
    detail: "connection refused",
    status: 502,
  });
  const notReady = await withFetch(
    () =>
      Response.json({ status: "loading", ready: false, reason: "Model is loading" }, {
        status: 503,
      }),
    () => callJson("/api/ready"),
  );
  assert.deepEqual(!notReady.ok && notReady.problem, {
    title: "Backend not ready",
    detail: "Model is loading",
    status: 503,
  });
  const text = await withFetch(
    () => new Response("gateway exploded", { status: 500 }),
    () => callJson("/x"),
  );
  assert.deepEqual(!text.ok && text.problem, {
    title: "HTTP 500",
    detail: "gateway exploded",
    status: 500,
  });
  const network = await withFetch(() => {
    throw new TypeError("Failed to fetch");
  }, () => callJson("/api/model"));
  assert.equal(!network.ok && network.problem.title, "UI server unreachable");
  assert.match(
    !network.ok ? network.problem.detail : "",
    /\/api\/model failed in the browser: Failed to fetch/,
  );
});

Deno.test("predict() posts readings as JSON and asks for a new connection only when told", async () => {
  const seen: { url: string; headers: Headers; body: string }[] = [];
  const handler = (url: string, init?: RequestInit) => {
    seen.push({ url, headers: new Headers(init?.headers), body: String(init?.body) });
    return Response.json({ predictions: [], anomalies: 0, total: 0, served_by: "a:1" });
  };
  const reading = { voltage: 230, current: 10, frequency: 50 };
  await withFetch(handler, () => predict([reading]));
  await withFetch(handler, () => predict([reading], { newConnection: true }));
  assert.equal(seen[0].url, "/api/predict");
  assert.equal(seen[0].headers.get("content-type"), "application/json");
  assert.deepEqual(JSON.parse(seen[0].body), { readings: [reading] });
  assert.equal(seen[0].headers.has(NEW_CONNECTION_HEADER), false);
  assert.equal(seen[1].headers.get(NEW_CONNECTION_HEADER), "1");
});

Deno.test("predict() sends context beside the readings only when there is some", async () => {
  const bodies: unknown[] = [];
  const handler = (_url: string, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    return Response.json({ predictions: [], anomalies: 0, total: 0, served_by: "a:1" });
  };
  const reading = { voltage: 230, current: 10, frequency: 50, meter_id: "m" };
  const earlier = { voltage: 229, current: 9, frequency: 50, meter_id: "m" };
  await withFetch(handler, () => predict([reading], { context: [earlier] }));
  await withFetch(handler, () => predict([reading], { context: [] }));
  assert.deepEqual(bodies, [{ readings: [reading], context: [earlier] }, { readings: [reading] }]);
});

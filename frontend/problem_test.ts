import assert from "node:assert/strict";
import { UI_PROBLEMS, uiProblem, uiProblemResponse } from "./problem.ts";

Deno.test("uiProblem() builds the backend's problem shape with a mirrored error string", () => {
  assert.deepEqual(uiProblem("backend-timeout", "No answer within 10000 ms", { limit: 1 }), {
    limit: 1,
    type: "urn:anomaly-ui:problem:backend-timeout",
    title: "Backend timed out",
    status: 504,
    detail: "No answer within 10000 ms",
    error: "No answer within 10000 ms",
  });
});

Deno.test("uiProblemResponse() sets status, problem+json, no-store and extra headers", async () => {
  const res = uiProblemResponse("backend-unreachable", "refused", {
    headers: { "retry-after": "2" },
  });
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(res.headers.get("retry-after"), "2");
  assert.equal((await res.json()).title, "Backend unreachable");
  for (const [type, { status }] of Object.entries(UI_PROBLEMS)) {
    assert.ok(status >= 400 && status < 600, type);
  }
});

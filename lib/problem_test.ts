import assert from "node:assert/strict";
import {
  HttpError,
  problemBody,
  problemResponse,
  PROBLEMS,
  type ProblemType,
  renderProblem,
} from "./problem.ts";

Deno.test("PROBLEMS gives every problem kind an error status and a distinct title", () => {
  const titles = new Set<string>();
  for (const [type, { status, title }] of Object.entries(PROBLEMS)) {
    assert.ok(status >= 400 && status <= 599, `${type}: ${status}`);
    assert.match(title, /^[A-Z][^.]*[^.\s]$/, `${type}: sentence case, no trailing period`);
    assert.ok(!titles.has(title), `${type}: title "${title}" is used twice`);
    titles.add(title);
  }
});

Deno.test("HttpError takes its status from its type and keeps errors, extra members, headers and cause", () => {
  const cause = new Error("root");
  const err = new HttpError("validation", "readings[0].voltage must be a finite number", {
    errors: [{
      path: "readings[0].voltage",
      message: "readings[0].voltage must be a finite number",
    }],
    extra: { limit: 5 },
    headers: { "retry-after": "1" },
    cause,
  });
  assert.ok(err instanceof Error);
  assert.equal(err.name, "HttpError");
  assert.equal(err.status, 422);
  assert.equal(err.type, "validation");
  assert.equal(err.message, "readings[0].voltage must be a finite number");
  assert.equal(err.errors?.length, 1);
  assert.deepEqual(err.extra, { limit: 5 });
  assert.deepEqual(err.headers, { "retry-after": "1" });
  assert.equal(err.cause, cause);
  for (const type of Object.keys(PROBLEMS) as ProblemType[]) {
    assert.equal(new HttpError(type, "x").status, PROBLEMS[type].status, type);
  }
});

Deno.test("problemBody() renders RFC 9457 members, mirrors detail in error and links the request id", () => {
  const err = new HttpError("payload-too-large", "Body exceeds 1024 bytes", {
    errors: [{ path: "body", message: "Body exceeds 1024 bytes" }],
    extra: { limit: 1024 },
  });
  assert.deepEqual(problemBody(err, "abc-123"), {
    limit: 1024,
    type: "/docs#problem-payload-too-large",
    title: "Payload too large",
    status: 413,
    detail: "Body exceeds 1024 bytes",
    error: "Body exceeds 1024 bytes",
    instance: "urn:request:abc-123",
    errors: [{ path: "body", message: "Body exceeds 1024 bytes" }],
  });
  const bare = problemBody(new HttpError("not-found", "No route GET /x"));
  assert.ok(!("instance" in bare), "no request id, no instance");
  assert.ok(!("errors" in bare), "no field errors, no errors member");
});

Deno.test("problemBody() never lets an extension member overwrite a standard member", () => {
  const err = new HttpError("overloaded", "Too many requests in flight", {
    extra: { status: 200, type: "about:blank", title: "OK", detail: "fine", error: "none" },
  });
  const body = problemBody(err);
  assert.equal(body.status, 503);
  assert.equal(body.type, "/docs#problem-overloaded");
  assert.equal(body.title, "Too many concurrent requests");
  assert.equal(body.detail, "Too many requests in flight");
  assert.equal(body.error, "Too many requests in flight");
});

Deno.test("renderProblem() answers application/problem+json with the body's status and the given headers", async () => {
  const body = problemBody(new HttpError("unauthorized", "Admin token required"));
  const res = renderProblem(body, { "www-authenticate": "Bearer", "content-type": "text/plain" });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  assert.equal(res.headers.get("www-authenticate"), "Bearer");
  assert.deepEqual(await res.json(), body);
});

Deno.test("problemResponse() carries the error's own headers", async () => {
  const err = new HttpError("overloaded", "Busy", { headers: { "retry-after": "1" } });
  const res = problemResponse(err, "r1");
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "1");
  assert.equal((await res.json()).instance, "urn:request:r1");
});

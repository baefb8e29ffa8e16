import assert from "node:assert/strict";
import { httpErrorOf } from "./domain_errors.ts";
import { HttpError } from "../../lib/problem.ts";
import { ValidationError } from "../predict/predict_schema.ts";
import { NotReadyError } from "../predict/score.ts";
import { StoreUnavailableError } from "../store/registry/mod.ts";

Deno.test("httpErrorOf() maps a ValidationError to a 422 with every field error and the limit", () => {
  const errors = [{ path: "readings", message: "readings has 3 readings; the limit is 2" }];
  const problem = httpErrorOf(new ValidationError(errors, 2));
  assert.ok(problem instanceof HttpError);
  assert.equal(problem.status, 422);
  assert.equal(problem.message, "readings has 3 readings; the limit is 2");
  assert.deepEqual(problem.errors, errors);
  assert.deepEqual(problem.extra, { limit: 2 });
  assert.equal(httpErrorOf(new ValidationError(errors))?.extra, undefined);
});

Deno.test("httpErrorOf() maps a NotReadyError to a 503 with Retry-After and the state", () => {
  const problem = httpErrorOf(new NotReadyError("Model is loading", "loading"));
  assert.equal(problem?.status, 503);
  assert.equal(problem?.message, "Model is loading");
  assert.equal(problem?.headers?.["retry-after"], "5");
  assert.deepEqual(problem?.extra, { state: "loading" });
});

Deno.test("httpErrorOf() maps the registry's StoreUnavailableError to a 503 with Retry-After and the state", () => {
  const problem = httpErrorOf(
    new StoreUnavailableError("failing", "The model store is failing (EISDIR): cannot read x"),
  );
  assert.ok(problem instanceof HttpError);
  assert.equal(problem.status, 503);
  assert.equal(problem.headers?.["retry-after"], "30");
  assert.deepEqual(problem.extra, { store_state: "failing" });
});

Deno.test("httpErrorOf() keeps an HttpError and gives null for anything else (a bug)", () => {
  const err = new HttpError("not-found", "No route");
  assert.equal(httpErrorOf(err), err);
  assert.equal(httpErrorOf(new TypeError("x is undefined")), null);
  assert.equal(httpErrorOf("a string"), null);
});

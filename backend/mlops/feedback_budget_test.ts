import assert from "node:assert/strict";
import { FeedbackBudget, MAX_CLIENTS } from "./feedback_budget.ts";

Deno.test("FeedbackBudget.take() grants a burst, then the rate, per client", () => {
  let now = 0;
  const budget = new FeedbackBudget({ rate: 10, burst: 100, now: () => now });
  assert.equal(budget.take("a", 100), 0);
  assert.equal(budget.take("a", 1), 1);
  assert.equal(budget.take("b", 50), 0, "another client has its own budget");
  now += 500;
  assert.equal(budget.take("a", 5), 0);
  assert.equal(budget.take("a", 20), 2, "20 labels need 2 s at 10 per second");
  now += 2_000;
  assert.equal(budget.take("a", 20), 0);
});

Deno.test("FeedbackBudget.take() refuses a request larger than the burst without taking anything", () => {
  const budget = new FeedbackBudget({ rate: 1, burst: 10, now: () => 0 });
  assert.ok(budget.take("a", 11) > 0);
  assert.equal(budget.take("a", 10), 0);
});

Deno.test("FeedbackBudget remembers at most MAX_CLIENTS clients", () => {
  const budget = new FeedbackBudget({ rate: 1, burst: 1, now: () => 0 });
  assert.equal(budget.take("first", 1), 0);
  for (let i = 0; i < MAX_CLIENTS; i++) budget.take(`c${i}`, 1);
  // "first" was forgotten: a fresh bucket.
  assert.equal(budget.take("first", 1), 0);
  assert.ok(budget.take(`c${MAX_CLIENTS - 1}`, 1) > 0);
});

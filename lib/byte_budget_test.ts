import assert from "node:assert/strict";
import { ByteBudget } from "./byte_budget.ts";

Deno.test("ByteBudget leases refuse past the limit and return their bytes once", () => {
  const seen: number[] = [];
  const budget = new ByteBudget({ limit: 100, onChange: (r) => seen.push(r) });
  const a = budget.lease(60)!;
  assert.equal(budget.lease(50), null);
  const b = budget.lease(40)!;
  assert.equal(budget.reserved, 100);
  a.release();
  a.release();
  assert.equal(budget.reserved, 40);
  b.release();
  assert.equal(budget.reserved, 0);
  assert.deepEqual(seen, [60, 100, 40, 0]);
});

Deno.test("Lease.grow() doubles when it can, takes just enough when it cannot, and stops at the cap", () => {
  const budget = new ByteBudget({ limit: 100 });
  const lease = budget.lease(10, 80)!;
  assert.equal(lease.grow(5), true);
  assert.equal(lease.size, 10);
  assert.equal(lease.grow(11), true);
  assert.equal(lease.size, 20);
  const other = budget.lease(50)!;
  assert.equal(lease.grow(41), true);
  assert.equal(lease.size, 41);
  // Doubling to 80 does not fit (41 + 50 + 39 > 100); 45 does.
  assert.equal(lease.grow(45), true);
  assert.equal(lease.size, 45);
  assert.equal(budget.reserved, 95);
  assert.equal(lease.grow(81), false);
  assert.equal(lease.grow(60), false);
  other.release();
  assert.equal(lease.grow(60), true);
  assert.equal(lease.size, 80);
  lease.release();
  assert.equal(budget.reserved, 0);
  assert.equal(lease.grow(10), false);
});

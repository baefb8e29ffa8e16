import assert from "node:assert/strict";
import { linePath, xOf } from "./sparkline.ts";

const box = { width: 100, height: 22, first: 10, last: 20 };

Deno.test("xOf() maps stream indices onto the box width", () => {
  assert.equal(xOf(10, box), 0);
  assert.equal(xOf(15, box), 50);
  assert.equal(xOf(20, box), 100);
});

Deno.test("linePath() scales a series to fill the height with a pixel of margin", () => {
  assert.equal(linePath([1, 3, 2], box), "M0 21L10 1L20 11");
  assert.equal(linePath([5, 5], box), "M0 11L10 11", "a flat series runs through the middle");
  assert.equal(linePath([], box), "");
});

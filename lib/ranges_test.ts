import assert from "node:assert/strict";
import fc from "fast-check";
import {
  assertInRange,
  describeKind,
  describeRange,
  inRange,
  isKind,
  parseInRange,
  type Range,
  rangeProblem,
  rangeSchema,
} from "./ranges.ts";

Deno.test("describeRange() words every shape of range as the module comment lists", () => {
  const cases: [Range, string][] = [
    [{ min: 1, max: 1000, integer: true }, "an integer from 1 to 1000"],
    [{ min: 0, max: 0xffff_ffff, integer: true }, "an integer from 0 to 4294967295"],
    [{ min: 0, max: 10, integer: true, exclusiveMin: true }, "an integer from 1 to 10"],
    [{ min: 0, max: 10, integer: true, exclusiveMax: true }, "an integer from 0 to 9"],
    [{ min: 0.5, max: 9.5, integer: true }, "an integer from 1 to 9"],
    [{ min: 0, max: 1 }, "between 0 and 1"],
    [{ min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }, "between 0 and 1 (exclusive)"],
    [{ min: 0, max: 0.5, exclusiveMin: true }, "greater than 0 and at most 0.5"],
    [{ min: 0, max: 1, exclusiveMax: true }, "at least 0 and less than 1"],
    [{ min: 0, integer: true }, "a non-negative integer"],
    [{ min: 1, integer: true }, "a positive integer"],
    [{ min: 0, integer: true, exclusiveMin: true }, "a positive integer"],
    [{ min: 2, integer: true }, "an integer of at least 2"],
    [{ min: -3, integer: true }, "an integer of at least -3"],
    [{ min: 0, exclusiveMin: true }, "a positive number"],
    [{ min: 0.1, exclusiveMin: true }, "greater than 0.1"],
    [{ min: 0.5 }, "at least 0.5"],
    [{ max: 10 }, "at most 10"],
    [{ max: 10, exclusiveMax: true }, "less than 10"],
    [{ max: 10, integer: true }, "an integer of at most 10"],
    [{ max: 10, integer: true, exclusiveMax: true }, "an integer of at most 9"],
    [{ integer: true }, "an integer"],
    [{}, "a finite number"],
  ];
  for (const [range, text] of cases) {
    assert.equal(describeRange(range), text, JSON.stringify(range));
  }
});

Deno.test("inRange() honours inclusive and exclusive bounds exactly at the edges", () => {
  const closed: Range = { min: 0, max: 1 };
  assert.ok(inRange(closed, 0));
  assert.ok(inRange(closed, 1));
  assert.ok(!inRange(closed, -Number.EPSILON));
  assert.ok(!inRange(closed, 1 + Number.EPSILON));
  const open: Range = { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true };
  assert.ok(!inRange(open, 0));
  assert.ok(!inRange(open, 1));
  assert.ok(inRange(open, Number.MIN_VALUE));
  assert.ok(inRange(open, 0.999));
  assert.ok(inRange({ min: 5 }, 1e300));
  assert.ok(inRange({ max: -5 }, -1e300));
});

Deno.test("inRange() and isKind() reject what is not a finite number, or not whole for integers", () => {
  for (
    const value of [NaN, Infinity, -Infinity, "1", null, undefined, true, [1], { valueOf: () => 1 }]
  ) {
    assert.ok(!isKind({}, value), String(value));
    assert.ok(!inRange({}, value), String(value));
  }
  assert.ok(isKind({}, 1.5));
  assert.ok(!isKind({ integer: true }, 1.5));
  assert.ok(isKind({ integer: true }, -0));
  assert.ok(inRange({ integer: true, min: 0 }, -0));
  assert.ok(!inRange({ integer: true, min: 0, max: 10 }, 2.5));
});

Deno.test("describeRange() says exactly which integers inRange() accepts", () => {
  // The words are checked against the predicate: normalised "from a to b" must mean [a, b].
  const bound = fc.option(fc.double({ min: -50, max: 50, noNaN: true }), { nil: undefined });
  fc.assert(
    fc.property(bound, bound, fc.boolean(), fc.boolean(), fc.integer({ min: -60, max: 60 }), (
      min,
      max,
      exclusiveMin,
      exclusiveMax,
      value,
    ) => {
      const range: Range = {
        integer: true,
        exclusiveMin,
        exclusiveMax,
        ...(min === undefined ? {} : { min }),
        ...(max === undefined ? {} : { max }),
      };
      const text = describeRange(range);
      let low = -Infinity;
      let high = Infinity;
      let m: RegExpMatchArray | null;
      if ((m = text.match(/^an integer from (-?\d+) to (-?\d+)$/))) {
        [low, high] = [Number(m[1]), Number(m[2])];
      } else if ((m = text.match(/^an integer of at least (-?\d+)$/))) low = Number(m[1]);
      else if ((m = text.match(/^an integer of at most (-?\d+)$/))) high = Number(m[1]);
      else if (text === "a positive integer") low = 1;
      else if (text === "a non-negative integer") low = 0;
      else assert.equal(text, "an integer");
      assert.equal(inRange(range, value), value >= low && value <= high, `${text}: ${value}`);
    }),
  );
});

Deno.test("rangeProblem() names only the kind for a value of the wrong kind, the range otherwise", () => {
  const range: Range = { min: 1, max: 64, integer: true };
  assert.equal(rangeProblem(range, 8), null);
  assert.equal(rangeProblem(range, 1.5), "an integer");
  assert.equal(rangeProblem(range, NaN), "an integer");
  assert.equal(rangeProblem(range, 0), "an integer from 1 to 64");
  assert.equal(rangeProblem(range, 65), "an integer from 1 to 64");
  assert.equal(rangeProblem({ min: 0, max: 1 }, "0.5"), "a number");
  assert.equal(rangeProblem({ min: 0, max: 1 }, 1.5), "between 0 and 1");
  assert.equal(describeKind({ integer: true }), "an integer");
  assert.equal(describeKind({ min: 0 }), "a number");
});

Deno.test("parseInRange() reads decimal and exponent text and refuses blank or non-numeric text", () => {
  const range: Range = { min: 0, max: 1_000_000, integer: true };
  assert.deepEqual(parseInRange(range, "42"), { ok: true, value: 42 });
  assert.deepEqual(parseInRange(range, " 1e3 "), { ok: true, value: 1000 });
  assert.deepEqual(parseInRange({}, "-0.25"), { ok: true, value: -0.25 });
  for (const raw of ["", "   ", "eighty", "1,000", "Infinity", "12abc"]) {
    assert.deepEqual(parseInRange(range, raw), { ok: false, problem: "an integer" }, raw);
  }
  assert.deepEqual(parseInRange(range, "1.5"), { ok: false, problem: "an integer" });
  assert.deepEqual(parseInRange(range, "-1"), {
    ok: false,
    problem: "an integer from 0 to 1000000",
  });
  assert.deepEqual(parseInRange({ min: 0, max: 1 }, "nope"), { ok: false, problem: "a number" });
});

Deno.test("assertInRange() returns a value in range and throws a RangeError naming it otherwise", () => {
  const range: Range = { min: 1, max: 1000, integer: true };
  assert.equal(assertInRange({ ...range, name: "Meter count" }, 4), 4);
  assert.throws(() => assertInRange({ ...range, name: "Meter count" }, 0), {
    name: "RangeError",
    message: "Meter count must be an integer from 1 to 1000, got 0",
  });
  assert.throws(() => assertInRange({ name: "Anomaly rate", min: 0, max: 1 }, NaN), {
    name: "RangeError",
    message: "Anomaly rate must be between 0 and 1, got NaN",
  });
});

Deno.test("rangeSchema() gives JSON Schema keywords that accept exactly what inRange() accepts", () => {
  assert.deepEqual(rangeSchema({ min: 1, max: 64, integer: true }), {
    type: "integer",
    minimum: 1,
    maximum: 64,
  });
  assert.deepEqual(rangeSchema({ min: 0, max: 0.5, exclusiveMin: true }), {
    type: "number",
    exclusiveMinimum: 0,
    maximum: 0.5,
  });
  assert.deepEqual(rangeSchema({ max: 1, exclusiveMax: true }), {
    type: "number",
    exclusiveMaximum: 1,
  });
  assert.deepEqual(rangeSchema({}), { type: "number" });
  // A tiny JSON Schema evaluator for these keywords, checked against inRange() on edge values.
  const accepts = (schema: Record<string, unknown>, v: number) =>
    (schema.type !== "integer" || Number.isInteger(v)) &&
    (schema.minimum === undefined || v >= (schema.minimum as number)) &&
    (schema.maximum === undefined || v <= (schema.maximum as number)) &&
    (schema.exclusiveMinimum === undefined || v > (schema.exclusiveMinimum as number)) &&
    (schema.exclusiveMaximum === undefined || v < (schema.exclusiveMaximum as number));
  const ranges: Range[] = [
    { min: 1, max: 3, integer: true },
    { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
    { min: -1 },
    { max: 2, exclusiveMax: true, integer: true },
  ];
  for (const range of ranges) {
    for (const v of [-2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4]) {
      assert.equal(
        accepts(rangeSchema(range), v),
        inRange(range, v),
        `${JSON.stringify(range)} ${v}`,
      );
    }
  }
});

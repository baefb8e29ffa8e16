import assert from "node:assert/strict";
import { validatePredictBody, ValidationError } from "./predict_schema.ts";

const OPTIONS = { maxBatch: 100 };
const R = { voltage: 230, current: 10, frequency: 50 };

/** The messages of the ValidationError `fn` throws. */
function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.errors.map((e) => e.message);
  }
  assert.fail("no ValidationError");
}

Deno.test("validatePredictBody() keeps only known fields, drops nulls and counts ignored keys by place", () => {
  const body = JSON.parse(
    '{"readings":[' +
      '{"voltage":230,"current":10,"frequency":50,"timestamp":null,"meter_id":"m1"},' +
      '{"voltage":231,"current":9,"frequency":50.1,"sensor_id":7,"__proto__":{"x":1}}],' +
      '"source":"x"}',
  );
  const out = validatePredictBody(body, OPTIONS);
  assert.deepEqual(out.readings, [
    { voltage: 230, current: 10, frequency: 50, meter_id: "m1" },
    { voltage: 231, current: 9, frequency: 50.1 },
  ]);
  assert.deepEqual(out.ignored, { body: 1, reading: 2 });
  assert.deepEqual(out.context, []);
  // The __proto__ key stayed data: the reading is a plain object with nothing inherited from it.
  assert.equal(Object.getPrototypeOf(out.readings[1]), Object.prototype);
  assert.equal((out.readings[1] as unknown as Record<string, unknown>).x, undefined);
});

Deno.test("validatePredictBody() names every bad field with the words clients see", () => {
  const body = {
    readings: [
      { ...R, voltage: "230" },
      { current: 10, frequency: 50, voltag: 230 },
      { ...R, frequency: null },
      { ...R, timestamp: "2026-02-30T00:00:00Z" },
      { ...R, timestamp: "2026-01-01T25:00:00Z" },
      { ...R, meter_id: "" },
      [1, 2],
      { ...R, timestamp: 1767225600 },
    ],
  };
  assert.deepEqual(messages(() => validatePredictBody(body, OPTIONS)), [
    'readings[0].voltage must be a finite number, got the string "230"',
    'readings[1].voltage is required; unknown keys are ignored, this reading has "voltag"',
    "readings[2].frequency must be a finite number, got null",
    'readings[3].timestamp "2026-02-30T00:00:00Z" is refused: February 2026 has 28 days, so ' +
    "day 30 does not exist",
    'readings[4].timestamp "2026-01-01T25:00:00Z" is refused: hour 25 does not exist',
    'readings[5].meter_id must be a string of 1 to 128 characters or null, got the string ""',
    "readings[6] must be an object, got an array",
    "readings[7].timestamp must be a date-time string (RFC 3339 date-time with a UTC offset, " +
    "e.g. 2026-01-01T12:00:00Z or 2026-01-01T13:00:00.250+01:00) or null, got " +
    "1767225600",
  ]);
});

Deno.test("validatePredictBody() refuses impossible and ambiguous timestamps, saying why", () => {
  const refused = (timestamp: string) =>
    messages(() => validatePredictBody({ readings: [R, { ...R, timestamp }] }, OPTIONS))[0];
  assert.equal(
    refused("2026-01-01T24:00:00Z"),
    'readings[1].timestamp "2026-01-01T24:00:00Z" is refused: hour 24 is not accepted: write ' +
      "00:00 of the next day",
  );
  assert.match(refused("2016-12-31T23:59:60Z"), /^readings\[1\]\.timestamp .*\(a leap second\)/);
  assert.match(refused("2026-01-01T12:00:00"), /readings\[1\]\.timestamp .*no UTC offset.*add Z/);
  assert.match(refused("2026-01-01"), /a date alone has no time of day/);
  // In context too, and the long value cut short in the message.
  assert.deepEqual(
    messages(() =>
      validatePredictBody({
        context: [{ ...R, timestamp: `2026-02-29T00:00:00${"0".repeat(99)}` }],
        readings: [R],
      }, OPTIONS)
    ),
    [
      `context[0].timestamp "2026-02-29T00:00:00${"0".repeat(21)}…" is refused: expected ` +
      "RFC 3339 date-time with a UTC offset, e.g. 2026-01-01T12:00:00Z or " +
      "2026-01-01T13:00:00.250+01:00",
    ],
  );
  // A valid leap day and an offset are accepted.
  validatePredictBody(
    { readings: [{ ...R, timestamp: "2024-02-29T23:59:59.999+01:00" }] },
    OPTIONS,
  );
});

Deno.test("validatePredictBody() refuses bodies that are not a batch, stating the limit", () => {
  assert.deepEqual(messages(() => validatePredictBody([], OPTIONS)), [
    'Body must be a JSON object with a "readings" array, got an array',
  ]);
  assert.deepEqual(messages(() => validatePredictBody({ reading: [] }, OPTIONS)), [
    'readings is required (the body has only "reading")',
  ]);
  assert.deepEqual(messages(() => validatePredictBody({ readings: [] }, OPTIONS)), [
    "readings must contain at least 1 reading",
  ]);
  try {
    validatePredictBody({ readings: [R, R, R] }, { maxBatch: 2 });
    assert.fail("accepted 3 readings with MAX_BATCH 2");
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.limit, 2);
    assert.equal(err.message, "readings has 3 readings; the limit is 2 per request (MAX_BATCH)");
  }
});

Deno.test("validatePredictBody() stops at 20 errors and says how many it found", () => {
  const readings = Array.from({ length: 50 }, () => ({ ...R, current: "x" }));
  try {
    validatePredictBody({ readings }, OPTIONS);
    assert.fail("accepted 50 bad readings");
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.errors.length, 20);
    assert.match(err.message, /^readings\[0\]\.current must be .* \(and 19 more\)$/);
  }
});

Deno.test("validatePredictBody() checks time order per meter, context first", () => {
  const at = (s: number) => `2026-01-01T00:00:${String(s).padStart(2, "0")}Z`;
  // Interleaved meters out of order overall but in order each: accepted.
  const interleaved = [
    { ...R, meter_id: "a", timestamp: at(10) },
    { ...R, meter_id: "b", timestamp: at(5) },
    { ...R, meter_id: "a", timestamp: at(11) },
    { ...R, timestamp: at(1) },
    { ...R, meter_id: "b", timestamp: at(6) },
  ];
  assert.equal(validatePredictBody({ readings: interleaved }, OPTIONS).readings.length, 5);
  // One meter going back in time, across context and readings.
  assert.deepEqual(
    messages(() =>
      validatePredictBody({
        context: [{ ...R, meter_id: "a", timestamp: at(20) }],
        readings: [{ ...R, meter_id: "b", timestamp: at(1) }, {
          ...R,
          meter_id: "a",
          timestamp: at(19),
        }],
      }, OPTIONS)
    ),
    [
      'readings[1].timestamp "2026-01-01T00:00:19Z" is earlier than context[0].timestamp ' +
      'of the same meter "a"; send each meter\'s readings in time order',
    ],
  );
  // Readings without a timestamp are compared with nothing.
  assert.equal(
    validatePredictBody(
      { readings: [{ ...R, timestamp: at(9) }, R, { ...R, timestamp: at(9) }] },
      OPTIONS,
    )
      .readings.length,
    3,
  );
});

Deno.test("validatePredictBody() requires the served model's own features, whichever asked last", () => {
  const custom = { maxBatch: 10, features: ["a", "b"] };
  assert.deepEqual(validatePredictBody({ readings: [{ a: 1, b: 2, voltage: 3 }] }, custom), {
    readings: [{ a: 1, b: 2 }],
    context: [],
    ignored: { body: 0, reading: 1 },
  });
  assert.deepEqual(messages(() => validatePredictBody({ readings: [{ a: 1, b: 2 }] }, OPTIONS)), [
    'readings[0].voltage is required; unknown keys are ignored, this reading has "a", "b"',
    'readings[0].current is required; unknown keys are ignored, this reading has "a", "b"',
    'readings[0].frequency is required; unknown keys are ignored, this reading has "a", "b"',
  ]);
  // Same names in another array, then a list that differs only in order.
  assert.equal(
    validatePredictBody({ readings: [{ a: 1, b: 2 }] }, { ...custom, features: ["a", "b"] })
      .readings.length,
    1,
  );
  assert.deepEqual(
    messages(() =>
      validatePredictBody({ readings: [{ b: 2 }] }, { ...custom, features: ["b", "a"] })
    ),
    ["readings[0].a is required"],
  );
});

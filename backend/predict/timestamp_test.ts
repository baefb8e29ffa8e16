import assert from "node:assert/strict";
import fc from "fast-check";
import { parseTimestamp, parseTimestampSlow } from "./timestamp.ts";

/** Same accept/reject decision and the same time (NaN equals NaN). */
function agrees(s: string): boolean {
  return Object.is(parseTimestamp(s), parseTimestampSlow(s));
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

Deno.test("parseTimestamp() reads the common forms to the millisecond Date.parse gives", () => {
  const cases: [string, number][] = [
    ["2026-01-01T00:00:00Z", Date.UTC(2026, 0, 1)],
    ["2026-01-01T00:00:00.000Z", Date.UTC(2026, 0, 1)],
    ["2026-03-01T12:34:56.7Z", Date.UTC(2026, 2, 1, 12, 34, 56, 700)],
    ["2024-02-29T23:59:59.999Z", Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ["2026-01-01T00:00:00.123456+00:00", Date.UTC(2026, 0, 1, 0, 0, 0, 123)],
    ["2026-01-01T00:00:00.1239Z", Date.UTC(2026, 0, 1, 0, 0, 0, 123)],
    ["2026-01-01T00:30:00+01:30", Date.UTC(2025, 11, 31, 23, 0)],
    ["2026-12-31T23:00:00-02:00", Date.UTC(2027, 0, 1, 1, 0)],
    ["1969-12-31T23:59:59.999Z", -1],
    ["1000-01-01T00:00:00Z", Date.UTC(1000, 0, 1)],
    ["9999-12-31T23:59:59.999Z", Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
  ];
  for (const [s, ms] of cases) assert.equal(parseTimestamp(s), ms, s);
});

Deno.test("parseTimestamp() refuses what the schema refused", () => {
  for (
    const s of [
      "",
      "2026-01-01",
      "2026-01-01 00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-01-01T24:00:01Z",
      "2026-01-01T23:60:00Z",
      "2026-01-01T23:59:60Z",
      "2026-01-01T00:00:00+24:00",
      "2026-01-01T00:00:00+01:60",
      "2026-01-01T00:00:00.Z",
      "2026-01-01T00:00:00ZZ",
      "2026-01-01T00:00:00Z\n",
      " 2026-01-01T00:00:00Z",
      "٢٠٢٦-01-01T00:00:00Z",
      "2026-01-01T00:00:00+01:00:00",
      "+002026-01-01T00:00:00Z",
    ]
  ) {
    assert.ok(Number.isNaN(parseTimestamp(s)), s);
    assert.ok(agrees(s), s);
  }
});

Deno.test("parseTimestamp() agrees with the regex and Date.parse at the edges of every field", () => {
  const strings: string[] = [];
  for (const year of [0, 1, 99, 999, 1000, 1582, 1900, 1969, 1970, 2000, 2024, 2100, 9999]) {
    for (let month = 0; month <= 13; month++) {
      for (const day of [0, 1, 28, 29, 30, 31, 32, 99]) {
        strings.push(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T12:00:00Z`);
      }
    }
  }
  for (const time of ["00:00", "23:59", "24:00", "24:00:00", "24:00:00.000", "24:00:00.001"]) {
    for (const zone of ["", "Z", "+00:00", "-00:00", "+0100", "-2359", "+23:59", "+24:00"]) {
      strings.push(`2026-06-30T${time}${zone}`, `2026-12-31T${time}:59${zone}`);
    }
  }
  for (let digits = 1; digits <= 14; digits++) {
    strings.push(`2026-01-01T00:00:00.${"9".repeat(digits)}Z`);
    strings.push(`2026-01-01T00:00:00.${"1".repeat(digits)}+05:30`);
  }
  strings.push(`2026-01-01T00:00:00.${"7".repeat(100_000)}Z`);
  for (const s of strings) assert.ok(agrees(s), s);
});

Deno.test("parseTimestamp() agrees with the regex and Date.parse on generated strings", () => {
  const num = (lo: number, hi: number, w: number) =>
    fc.integer({ min: lo, max: hi }).map((n) => pad(n, w));
  const shaped = fc.tuple(
    num(0, 9999, 4),
    num(0, 19, 2),
    num(0, 39, 2),
    fc.constantFrom("T", "t", " ", "T"),
    num(0, 29, 2),
    num(0, 69, 2),
    fc.option(num(0, 69, 2)),
    fc.option(fc.stringMatching(/^[0-9]{0,12}$/)),
    fc.constantFrom(
      "",
      "Z",
      "z",
      "+",
      "-",
      "+00:00",
      "-12:30",
      "+1400",
      "+23:59",
      "+24:00",
      "+05:3",
    ),
  ).map(([y, mo, d, t, h, mi, s, frac, zone]) =>
    `${y}-${mo}-${d}${t}${h}:${mi}${s === null ? "" : `:${s}`}${
      s !== null && frac !== null ? `.${frac}` : ""
    }${zone}`
  );
  // Shaped strings with one character replaced by anything.
  const mutated = fc.tuple(shaped, fc.nat(), fc.string({ maxLength: 2, unit: "binary" })).map((
    [s, at, ch],
  ) => s.slice(0, at % (s.length + 1)) + ch + s.slice((at % (s.length + 1)) + 1));
  fc.assert(fc.property(fc.oneof(shaped, mutated, fc.string()), (s) => agrees(s)), {
    numRuns: 20_000,
  });
});

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  formatTimestamp,
  parseTimestamp,
  TIMESTAMP_FORMAT,
  timestampProblem,
} from "./timestamp.ts";

/**
 * The rule written a second time, as plainly as possible and sharing no code
 * with the module: a regular expression for the shape, a days-in-month table
 * and the leap-year rule for the calendar, and Howard Hinnant's days-from-civil
 * (era arithmetic, unlike the module's day counts) for the instant.
 */
function reference(s: string): number {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/
      .exec(s);
  if (!m || m[8] === undefined) return NaN;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > monthDays[month - 1]) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  let offset = 0;
  if (m[8] !== "Z") {
    const digits = m[8].replace(":", "");
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return NaN;
    offset = (m[8][0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  // days_from_civil: March-based years, 400-year eras.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  return ((days * 24 + hour) * 60 + minute - offset) * 60_000 + second * 1000 + ms;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

Deno.test("parseTimestamp() reads accepted forms to the millisecond", () => {
  const cases: [string, number][] = [
    ["2026-01-01T00:00:00Z", Date.UTC(2026, 0, 1)],
    ["2026-01-01T00:00:00.000Z", Date.UTC(2026, 0, 1)],
    ["2026-01-01T12:34Z", Date.UTC(2026, 0, 1, 12, 34)],
    ["2026-03-01T12:34:56.7Z", Date.UTC(2026, 2, 1, 12, 34, 56, 700)],
    ["2024-02-29T23:59:59.999Z", Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ["2000-02-29T00:00:00Z", Date.UTC(2000, 1, 29)],
    ["2026-01-01T00:00:00.123456+00:00", Date.UTC(2026, 0, 1, 0, 0, 0, 123)],
    ["2026-01-01T00:00:00.1239Z", Date.UTC(2026, 0, 1, 0, 0, 0, 123)],
    ["2026-01-01T00:30:00+01:30", Date.UTC(2025, 11, 31, 23, 0)],
    ["2026-01-01T00:30:00+0130", Date.UTC(2025, 11, 31, 23, 0)],
    ["2026-12-31T23:00:00-02:00", Date.UTC(2027, 0, 1, 1, 0)],
    ["2026-06-30T12:00:00-00:00", Date.UTC(2026, 5, 30, 12)],
    ["2026-06-30T12:00:00+23:59", Date.UTC(2026, 5, 30, 12) - (23 * 60 + 59) * 60_000],
    ["1969-12-31T23:59:59.999Z", -1],
    ["0000-01-01T00:00:00Z", -62167219200000],
    ["9999-12-31T23:59:59.999Z", Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
    [`2026-01-01T00:00:00.${"7".repeat(100_000)}Z`, Date.UTC(2026, 0, 1, 0, 0, 0, 777)],
  ];
  for (const [s, ms] of cases) {
    assert.equal(parseTimestamp(s), ms, s.slice(0, 40));
    assert.equal(timestampProblem(s), undefined, s.slice(0, 40));
  }
});

Deno.test("timestampProblem() names why each refused form is refused", () => {
  const cases: [string, string][] = [
    ["2026-02-30T00:00:00Z", "February 2026 has 28 days, so day 30 does not exist"],
    ["2026-02-29T00:00:00Z", "February 2026 has 28 days, so day 29 does not exist"],
    ["1900-02-29T00:00:00Z", "February 1900 has 28 days, so day 29 does not exist"],
    ["2026-04-31T00:00:00Z", "April 2026 has 30 days, so day 31 does not exist"],
    ["2026-01-00T00:00:00Z", "January 2026 has 31 days, so day 00 does not exist"],
    ["2026-13-01T00:00:00Z", "month 13 does not exist"],
    ["2026-00-01T00:00:00Z", "month 00 does not exist"],
    ["2026-01-01T24:00:00Z", "hour 24 is not accepted: write 00:00 of the next day"],
    ["2026-01-01T24:00Z", "hour 24 is not accepted: write 00:00 of the next day"],
    ["2026-01-01T25:00:00Z", "hour 25 does not exist"],
    ["2026-01-01T23:60:00Z", "minute 60 does not exist"],
    ["2016-12-31T23:59:60Z", "second 60 (a leap second) is not accepted"],
    ["2026-01-01T23:59:61Z", "second 61 does not exist"],
    ["2026-01-01T12:00:00", "no UTC offset, and a local time is ambiguous: add Z for UTC"],
    ["2026-01-01T12:00", "no UTC offset"],
    ["2026-01-01T12:00:00.5", "no UTC offset"],
    ["2026-01-01T00:00:00+24:00", "the UTC offset is out of range (at most ±23:59)"],
    ["2026-01-01T00:00:00+01:60", "the UTC offset is out of range"],
    ["2026-01-01", "a date alone has no time of day"],
    ["2026-01-01 00:00:00Z", "separate date and time with T, not a space"],
    ["2026-01-01t00:00:00Z", "T and Z are upper case"],
    ["2026-01-01T00:00:00z", "T and Z are upper case"],
    ["", `expected ${TIMESTAMP_FORMAT}`],
    ["yesterday", `expected ${TIMESTAMP_FORMAT}`],
    ["2026-01-01T00:00:00.Z", "expected RFC 3339"],
    ["2026-01-01T00:00:00ZZ", "expected RFC 3339"],
    ["2026-01-01T00:00:00Z\n", "expected RFC 3339"],
    [" 2026-01-01T00:00:00Z", "expected RFC 3339"],
    ["٢٠٢٦-01-01T00:00:00Z", "expected RFC 3339"],
    ["2026-01-01T00:00:00+01:00:00", "expected RFC 3339"],
    ["2026-01-01T00:00:00+01:0", "expected RFC 3339"],
    ["2026-01-01T00:00:00+1:00", "expected RFC 3339"],
    ["+002026-01-01T00:00:00Z", "expected RFC 3339"],
    ["2026-1-01T00:00:00Z", "expected RFC 3339"],
    ["2026-01-01T00:00.5Z", "expected RFC 3339"],
  ];
  for (const [s, why] of cases) {
    assert.ok(Number.isNaN(parseTimestamp(s)), s);
    assert.ok(timestampProblem(s)?.includes(why), `${s}: ${timestampProblem(s)}`);
  }
});

Deno.test("parseTimestamp() accepts exactly the days each month has, in every kind of year", () => {
  // Common, leap (by 4), century (not leap) and 400-year (leap) years, around the epoch and the ends.
  const years = [0, 4, 100, 400, 1582, 1900, 1969, 1970, 2000, 2024, 2026, 2100, 9996, 9999];
  const monthDays = (
    y: number,
  ) => [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ]; // deno-fmt-ignore
  for (const year of years) {
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) {
        const s = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T12:00:00Z`;
        const exists = month >= 1 && month <= 12 && day >= 1 && day <= monthDays(year)[month - 1];
        const t = parseTimestamp(s);
        assert.equal(!Number.isNaN(t), exists, s);
        if (exists) {
          const expected = new Date(0);
          expected.setUTCFullYear(year, month - 1, day);
          expected.setUTCHours(12, 0, 0, 0);
          assert.equal(t, expected.getTime(), s);
        }
      }
    }
  }
});

Deno.test("parseTimestamp() agrees with an independent reference on generated strings", () => {
  const num = (lo: number, hi: number, w: number) =>
    fc.integer({ min: lo, max: hi }).map((n) => pad(n, w));
  const shaped = fc.tuple(
    num(0, 9999, 4),
    num(0, 13, 2),
    num(0, 32, 2),
    fc.constantFrom("T", "T", "T", "t", " "),
    num(0, 25, 2),
    num(0, 61, 2),
    fc.option(num(0, 61, 2)),
    fc.option(fc.stringMatching(/^[0-9]{0,12}$/)),
    fc.constantFrom(
      "",
      "Z",
      "Z",
      "z",
      "+",
      "-",
      "+00:00",
      "-00:00",
      "-12:30",
      "+1400",
      "+23:59",
      "-2359",
      "+24:00",
      "+05:60",
      "+05:3",
      "+05:300",
    ),
  ).map(([y, mo, d, t, h, mi, s, frac, zone]) =>
    `${y}-${mo}-${d}${t}${h}:${mi}${s === null ? "" : `:${s}`}${
      frac === null ? "" : `.${frac}`
    }${zone}`
  );
  // Shaped strings with one character replaced by anything.
  const mutated = fc.tuple(shaped, fc.nat(), fc.string({ maxLength: 2, unit: "binary" })).map((
    [s, at, ch],
  ) => s.slice(0, at % (s.length + 1)) + ch + s.slice((at % (s.length + 1)) + 1));
  fc.assert(
    fc.property(fc.oneof(shaped, mutated, fc.string()), (s) => {
      const t = parseTimestamp(s);
      assert.ok(Object.is(t, reference(s)), s);
      // A refusal always says why; an acceptance never does.
      assert.equal(timestampProblem(s) === undefined, !Number.isNaN(t), s);
    }),
    { numRuns: 20_000 },
  );
});

Deno.test("parseTimestamp() reads what Date.parse reads for every accepted generated instant", () => {
  // A third opinion on the arithmetic: V8's, for any instant in years 0000 to 9999 and any offset.
  fc.assert(
    fc.property(
      fc.integer({ min: -62167219200000, max: 253402300799999 }),
      fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
      (ms, offset) => {
        const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
        const sign = offset < 0 ? "-" : "+";
        const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60), 2)}:${
          pad(Math.abs(offset) % 60, 2)
        }`;
        if (local.length !== 23) return; // the shifted instant left years 0000-9999
        assert.equal(parseTimestamp(local + zone), ms, local + zone);
        assert.equal(parseTimestamp(local + zone), Date.parse(local + zone));
      },
    ),
    { numRuns: 5_000 },
  );
});

Deno.test("formatTimestamp() writes what parseTimestamp() reads back, and refuses other years", () => {
  for (const ms of [0, -1, Date.UTC(2024, 1, 29, 23, 59, 59, 999), -62167219200000]) {
    assert.equal(parseTimestamp(formatTimestamp(ms)), ms);
  }
  assert.throws(() => formatTimestamp(253402300800000), RangeError);
  assert.throws(() => formatTimestamp(-62167219200001), RangeError);
  assert.throws(() => formatTimestamp(NaN), RangeError);
});

/**
 * The `timestamp` of a reading: an ISO-8601 date-time as the `/predict`
 * schema has always accepted it (`ISO_DATE_TIME` below, then `Date.parse`),
 * in epoch milliseconds, NaN when not accepted.
 *
 * A batch of 64 readings carries 64 timestamps, and the regular expression
 * plus `Date.parse` cost about 0.2 µs each, the largest share of validating a
 * batch. The common forms (`2026-01-01T12:00:00Z`, `...T12:00:00.123Z`,
 * `...T12:00:00+01:00`, Python's `...T12:00:00.123456+00:00`) are read here
 * by hand; anything else, including every string that would be rejected, goes
 * to the original regular expression and `Date.parse`, so the set of accepted
 * strings and the time each gives cannot differ from before
 * (`timestamp_test.ts` compares both on many valid, invalid and hostile
 * strings).
 */

/** What the schema accepts before asking `Date.parse` (`\d` is ASCII 0-9 without the `u` flag). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The original check: the pattern, then `Date.parse` (NaN when either refuses). */
export function parseTimestampSlow(value: string): number {
  return ISO_DATE_TIME.test(value) ? Date.parse(value) : NaN;
}

/** Most fraction digits read by hand; longer fractions take the original path. */
const MAX_FRACTION_DIGITS = 9;

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const MS_PER_DAY = 86_400_000;

/** `s.charCodeAt(i)` as a digit value: 0 to 9 for an ASCII digit, anything else otherwise. */
function at(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

/** True when every argument is a digit value (0 to 9; NaN, past the end, is not). */
function digits(a: number, b: number, c: number, d: number): boolean {
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9 && d >= 0 && d <= 9;
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days from 1970-01-01 to the first of January of `year` (proleptic Gregorian). */
function daysBeforeYear(year: number): number {
  const y = year - 1;
  return 365 * (year - 1970) + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) -
    477; // leap days before 1970: 1969/4 - 1969/100 + 1969/400 = 492 - 19 + 4
}

/**
 * The hand-read forms: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1 to
 * {@link MAX_FRACTION_DIGITS} digits, then `Z` or `±HH:MM`, every field in its
 * ordinary range. Returns epoch ms, or NaN for anything else (which then
 * takes the original path, accepted or not). NaN rather than undefined keeps
 * the result a plain double (no heap number per call).
 */
function parseCommon(s: string): number {
  const n = s.length;
  if (n < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) {
    return NaN;
  }
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const y0 = at(s, 0), y1 = at(s, 1), y2 = at(s, 2), y3 = at(s, 3);
  const mo0 = at(s, 5), mo1 = at(s, 6), d0 = at(s, 8), d1 = at(s, 9);
  const h0 = at(s, 11), h1 = at(s, 12), mi0 = at(s, 14), mi1 = at(s, 15);
  const s0 = at(s, 17), s1 = at(s, 18);
  if (
    !digits(y0, y1, y2, y3) || !digits(mo0, mo1, d0, d1) || !digits(h0, h1, mi0, mi1) ||
    !digits(s0, s1, 0, 0)
  ) {
    return NaN;
  }
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  // Years before 1000 and days past the month's end (which Date.parse rolls over) go the slow way.
  if (year < 1000 || month < 1 || month > 12 || day < 1) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  const leap = isLeap(year);
  const monthDays = month === 2 ? (leap ? 29 : 28) : 30 + ((month + (month >> 3)) & 1);
  if (day > monthDays) return NaN;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    // Date.parse keeps the first three fraction digits (truncating, not rounding).
    const start = ++i;
    let scale = 100;
    for (let d = at(s, i); d >= 0 && d <= 9; d = at(s, ++i)) {
      if (i - start === MAX_FRACTION_DIGITS) return NaN;
      if (scale >= 1) ms += d * scale;
      scale /= 10;
    }
    if (i === start) return NaN;
  }
  let offsetMinutes = 0;
  const zone = s.charCodeAt(i);
  if (zone === 90) { // Z
    if (i + 1 !== n) return NaN;
  } else if (zone === 43 || zone === 45) { // + or -
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return NaN;
    const oh0 = at(s, i + 1), oh1 = at(s, i + 2), om0 = at(s, i + 4), om1 = at(s, i + 5);
    if (!digits(oh0, oh1, om0, om1)) return NaN;
    const oh = oh0 * 10 + oh1;
    const om = om0 * 10 + om1;
    if (oh > 23 || om > 59) return NaN;
    offsetMinutes = (oh * 60 + om) * (zone === 43 ? 1 : -1);
  } else {
    // No zone means local time to Date.parse: left to it.
    return NaN;
  }
  const days = daysBeforeYear(year) + DAYS_BEFORE_MONTH[month - 1] + (month > 2 && leap ? 1 : 0) +
    day - 1;
  return days * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + ms;
}

/** Epoch ms of an accepted timestamp string, NaN when it is not one (see the module comment). */
export function parseTimestamp(value: string): number {
  const t = parseCommon(value);
  return t === t ? t : parseTimestampSlow(value);
}
